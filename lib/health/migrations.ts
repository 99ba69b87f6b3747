import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import { migrationsFolder, migrationStatus } from '@/db/migrate';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import * as schema from '@/db/schema';
import { plural } from '@/lib/format';
import { rows } from './sql';
import type { Assessment, CheckDef } from './types';

export type SchemaDrift = { missingTables: string[]; missingColumns: string[]; extraColumns: string[] };
export type MigrationsData = {
  files: { createdAt: number; hash: string; applied: boolean }[];
  pending: number;
  /** Rows in the bookkeeping table that no migration file of this build produced (a newer build ran?). */
  unknownApplied: number;
  drift: SchemaDrift;
};

/** Tables and columns the code declares (db/schema), keyed "schema.table". */
function declaredTables(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const cfg = getTableConfig(value);
    out.set(
      `${cfg.schema ?? 'public'}.${cfg.name}`,
      cfg.columns.map((c) => c.name),
    );
  }
  return out;
}

/** The columns of the database's own tables (partitions excluded: they mirror their parent). */
async function actualTables(
  tx: Parameters<CheckDef<unknown>['run']>[0],
  schemas: string[],
): Promise<Map<string, string[]>> {
  const found = await rows<{ name: string; columns: string[] }>(
    tx,
    sql`SELECT n.nspname || '.' || c.relname AS name,
      array_agg(a.attname::text ORDER BY a.attnum) AS columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname IN (${sql.join(
      schemas.map((s) => sql`${s}`),
      sql`, `,
    )})
    GROUP BY 1`,
  );
  return new Map(found.map((r) => [r.name, r.columns]));
}

export function compareSchema(declared: Map<string, string[]>, actual: Map<string, string[]>): SchemaDrift {
  const drift: SchemaDrift = { missingTables: [], missingColumns: [], extraColumns: [] };
  for (const [table, columns] of declared) {
    const have = actual.get(table);
    if (!have) {
      drift.missingTables.push(table);
      continue;
    }
    const haveSet = new Set(have);
    const wantSet = new Set(columns);
    for (const c of columns) if (!haveSet.has(c)) drift.missingColumns.push(`${table}.${c}`);
    for (const c of have) if (!wantSet.has(c)) drift.extraColumns.push(`${table}.${c}`);
  }
  return drift;
}

/** Migration files of this build against the bookkeeping table, and the code's tables against the catalog. */
export const migrationsCheck: CheckDef<MigrationsData> = {
  id: 'migrations',
  area: 'migrations',
  title: 'Migrations',
  async run(tx) {
    const declared = declaredTables();
    const schemas = [...new Set([...declared.keys()].map((k) => k.split('.')[0]))];
    const drift = compareSchema(declared, await actualTables(tx, schemas));
    const [{ n }] = await rows<{ n: number | null }>(
      tx,
      sql`SELECT CASE WHEN to_regclass('drizzle.__drizzle_migrations') IS NOT NULL
      THEN (SELECT count(*)::int FROM drizzle.__drizzle_migrations) END AS n`,
    );
    // migrationStatus only calls execute(), which the check's transaction has: it runs under the same timeouts.
    const status =
      n === null
        ? {
            files: readMigrationFiles({ migrationsFolder }).map((f) => ({
              createdAt: f.folderMillis,
              hash: f.hash,
              applied: false,
            })),
          }
        : await migrationStatus(tx as unknown as Db);
    const applied = status.files.filter((f) => f.applied).length;
    return {
      files: status.files,
      pending: status.files.length - applied,
      unknownApplied: Math.max(0, (n ?? 0) - applied),
      drift,
    };
  },
  assess(d): Assessment {
    const applied = d.files.length - d.pending;
    const figure = `${applied} / ${d.files.length}`;
    const driftCount = d.drift.missingTables.length + d.drift.missingColumns.length;
    if (d.pending)
      return {
        status: 'critical',
        figure,
        reason: `${plural(d.pending, 'migration')} of this build not applied: restart the console or run npm run db:migrate`,
      };
    if (driftCount) {
      const first = [...d.drift.missingTables, ...d.drift.missingColumns][0];
      return {
        status: 'critical',
        figure,
        reason: `The schema does not match the code: ${plural(driftCount, 'table or column', 'tables or columns')} missing, e.g. ${first}`,
      };
    }
    if (d.unknownApplied || d.drift.extraColumns.length) {
      const parts = [
        d.unknownApplied
          ? `${plural(d.unknownApplied, 'applied migration')} unknown to this build (is a newer version running?)`
          : '',
        d.drift.extraColumns.length
          ? `${plural(d.drift.extraColumns.length, 'column')} not in the code, e.g. ${d.drift.extraColumns[0]}`
          : '',
      ].filter(Boolean);
      return { status: 'warning', figure, reason: parts.join('; ') };
    }
    return { status: 'ok', figure, reason: 'Every migration is applied and the schema matches the code' };
  },
};
