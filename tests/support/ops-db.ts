// Scratch databases beside the test database, and fingerprints of a database's content and schema, for the
// operations tests (backup/restore, upgrade, import).
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import type { Db } from '@/db/client';
import * as schema from '@/db/schema';

export type ScratchDb = { name: string; url: string; pool: Pool; db: Db; drop: () => Promise<void> };

async function admin<T>(fn: (p: Pool) => Promise<T>): Promise<T> {
  const p = new Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 1 });
  try {
    return await fn(p);
  } finally {
    await p.end();
  }
}

/** A new empty database named after the test database, the suffix and this process. */
export async function scratchDatabase(suffix: string): Promise<ScratchDb> {
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_${suffix}_${process.pid}`.replace(/[^a-zA-Z0-9_]/g, '_');
  await admin(async (p) => {
    await p.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await p.query(`CREATE DATABASE "${name}"`);
  });
  base.pathname = `/${name}`;
  const url = base.toString();
  const pool = new Pool({ connectionString: url, max: 3 });
  // A restore with --force ends other sessions on this database: idle clients then report 57P01, which is expected.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    name,
    url,
    pool,
    db: drizzle(pool, { schema }) as unknown as Db,
    drop: async () => {
      await pool.end().catch(() => undefined);
      await admin((p) => p.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

export type TableFingerprint = { rows: number; md5: string };

/** Every table (partitioned parents included, partitions counted through them) of the app's schemas. */
export async function userTables(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{
    name: string;
  }>(`SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`);
  return rows.map((r) => r.name);
}

/**
 * Row count and md5 of every row's text form in primary-key order, per table. Optionally only the given
 * columns (an upgrade may add columns to a table; the old columns must still hold the same values).
 */
export async function tableChecksums(
  pool: Pool,
  columnsOf?: Record<string, string[]>,
): Promise<Record<string, TableFingerprint>> {
  const out: Record<string, TableFingerprint> = {};
  const tables = columnsOf ? Object.keys(columnsOf) : await userTables(pool);
  for (const table of tables) {
    const { rows: pk } = await pool.query<{ col: string }>(
      `SELECT quote_ident(a.attname) AS col FROM pg_index i
      JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) ON true
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.ord`,
      [table],
    );
    const rowText = columnsOf ? `row(${columnsOf[table].map((c) => `t.${c}`).join(', ')})::text` : 't::text';
    const order = pk.length ? pk.map((p) => `t.${p.col}`).join(', ') : rowText;
    const { rows } = await pool.query<{ n: number; md5: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(${rowText}, E'\\n' ORDER BY ${order}), '')) AS md5 FROM ${table} t`,
    );
    out[table] = { rows: rows[0].n, md5: rows[0].md5 };
  }
  return out;
}

/** The columns of every app table as they stand now (quoted), to fingerprint only those later. */
export async function currentColumns(pool: Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await userTables(pool)) {
    const { rows } = await pool.query<{ col: string }>(
      `SELECT quote_ident(attname) AS col FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [table],
    );
    out[table] = rows.map((r) => r.col);
  }
  return out;
}

/** Definitions of tables' columns, indexes, constraints, triggers and functions, for "same schema" checks. */
export async function schemaObjects(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ d: string }>(`
    SELECT format('column %s.%s %s %s', table_schema, table_name, column_name, data_type) AS d FROM information_schema.columns WHERE table_schema IN ('public', 'drizzle')
    UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname IN ('public', 'drizzle')
    UNION ALL SELECT format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid)) FROM pg_constraint
      WHERE connamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'drizzle'))
    UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT format('function %s %s', proname, md5(prosrc)) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    ORDER BY 1`);
  return rows.map((r) => r.d);
}
