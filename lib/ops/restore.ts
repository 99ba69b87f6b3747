import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { Client } from 'pg';
import { explainConnectionError } from './connection-errors';
import {
  findTool,
  libpqEnv,
  OpsError,
  requireSameMajor,
  runTool,
  safeUrl,
  serverInfo,
  type ToolOptions,
} from './pg-tools';

export type RestoreResult = { relations: number; replaced: boolean; dumpedFrom: string | null };

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;

function checkHeader(file: string) {
  if (!existsSync(file)) throw new OpsError(`${file} does not exist`);
  if (!statSync(file).isFile()) throw new OpsError(`${file} is not a file`);
  const fd = openSync(file, 'r');
  const magic = Buffer.alloc(5);
  try {
    readSync(fd, magic, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (magic.toString('latin1') !== 'PGDMP') {
    throw new OpsError(
      `${file} is not a pg_dump custom-format archive (made by npm run db:backup or pg_dump --format=custom); nothing was changed`,
    );
  }
}

function unreadable(file: string, stderr: string): OpsError {
  const truncated = /end of file|unexpected EOF|could not read/i.test(stderr);
  return new OpsError(
    `${file} is ${truncated ? 'incomplete (truncated: the backup, copy or download stopped early)' : 'damaged'}: ` +
      `${stderr}. Nothing was changed.`,
  );
}

/** Reads the whole archive without touching any database, so a truncated or damaged file is caught up front. */
async function checkComplete(pgRestore: string, file: string): Promise<string | null> {
  const list = runTool(pgRestore, ['--list', file], process.env);
  let toc = '';
  list.child.stdout.on('data', (d) => {
    toc += d;
  });
  const listed = await list.done;
  if (listed.code !== 0) throw unreadable(file, listed.stderr);
  const full = await runTool(pgRestore, ['--file=/dev/null', file], process.env).done;
  if (full.code !== 0) throw unreadable(file, full.stderr);
  return /Dumped from database version:\s*(\S+)/.exec(toc)?.[1] ?? null;
}

async function connect(url: string) {
  const u = new URL(url);
  if (u.searchParams.has('sslmode') && !u.searchParams.has('uselibpqcompat'))
    u.searchParams.set('uselibpqcompat', 'true');
  const c = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
  } catch (err) {
    throw new OpsError(`Cannot connect to ${safeUrl(url)}: ${explainConnectionError(err, url)}`);
  }
  return c;
}

async function userObjects(url: string): Promise<{ tables: string[]; schemas: string[] }> {
  const c = await connect(url);
  try {
    // Tables, views and sequences all count as content: restoring beside any of them would mix two databases.
    const t = await c.query<{ name: string }>(`SELECT n.nspname || '.' || c.relname AS name FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${SYSTEM_SCHEMAS} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY c.relkind <> 'r', 1`);
    const s = await c.query<{ name: string }>(
      `SELECT n.nspname AS name FROM pg_namespace n WHERE ${SYSTEM_SCHEMAS} ORDER BY 1`,
    );
    return { tables: t.rows.map((r) => r.name), schemas: s.rows.map((r) => r.name) };
  } finally {
    await c.end();
  }
}

const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Restores a custom-format archive in ONE transaction: pg_restore turns it into SQL, psql applies it between
 * our own BEGIN and a COMMIT that is sent only once pg_restore has finished cleanly, so any failure leaves the
 * database as it was. A database that already holds tables is refused unless `force`, which replaces
 * everything in it (all non-system schemas are dropped inside the same transaction).
 */
export async function restoreDatabase(
  url: string,
  file: string,
  opts: ToolOptions & { force?: boolean; log?: (line: string) => void } = {},
): Promise<RestoreResult> {
  const log = opts.log ?? (() => undefined);
  checkHeader(file);
  const server = await serverInfo(url);
  const pgRestore = findTool('pg_restore', server.major, opts);
  const psql = findTool('psql', server.major, opts);
  requireSameMajor(pgRestore, server);
  log(`Checking ${file} …`);
  const dumpedFrom = await checkComplete(pgRestore, file);
  const fromMajor = dumpedFrom ? Number(dumpedFrom.split('.')[0]) : null;
  if (fromMajor && fromMajor > server.major) {
    throw new OpsError(
      `${file} was taken from PostgreSQL ${dumpedFrom}, newer than this server (${server.version}); restore it into PostgreSQL ${fromMajor} or later. Nothing was changed.`,
    );
  }
  const existing = await userObjects(url);
  if (existing.tables.length && !opts.force) {
    const sample = existing.tables.slice(0, 5).join(', ');
    throw new OpsError(
      `The database ${safeUrl(url)} is not empty (${existing.tables.length} tables and other relations, e.g. ${sample}). ` +
        'Restore into an empty database (createdb <name>), or pass --force to replace everything in it. Nothing was changed.',
    );
  }
  const preamble = opts.force
    ? [
        ...existing.schemas.map((s) => `DROP SCHEMA IF EXISTS ${quoteIdent(s)} CASCADE;`),
        'CREATE SCHEMA public;',
        'GRANT USAGE ON SCHEMA public TO PUBLIC;',
      ]
    : [];
  log(
    `Restoring into ${safeUrl(url)} (PostgreSQL ${server.version})${opts.force && existing.tables.length ? `, replacing ${existing.tables.length} existing relations` : ''} …`,
  );

  const env = { ...libpqEnv(url), PGOPTIONS: `${libpqEnv(url).PGOPTIONS ?? ''} -c client_min_messages=warning`.trim() };
  const apply = runTool(psql, ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1'], env, { keepStdinOpen: true });
  apply.child.stdin.on('error', () => undefined); // psql stopping early surfaces through its exit code
  apply.child.stdout.resume(); // psql echoes a few results; never let a full pipe stall it
  const source = runTool(pgRestore, ['--no-owner', '--no-privileges', '--file=-', file], process.env);
  apply.child.stdin.write(`BEGIN;\n${preamble.join('\n')}\n`);
  source.child.stdout.pipe(apply.child.stdin, { end: false });
  const produced = await source.done;
  if (produced.code === 0) apply.child.stdin.end('COMMIT;\n');
  else apply.child.stdin.end(); // no COMMIT: psql exits and the server rolls the transaction back
  const applied = await apply.done;
  if (produced.code !== 0)
    throw new OpsError(`pg_restore failed (exit ${produced.code}): ${produced.stderr}. Nothing was changed.`);
  if (applied.code !== 0)
    throw new OpsError(
      `The restore failed and was rolled back: ${applied.stderr || `psql exit ${applied.code}`}. Nothing was changed.`,
    );

  const after = await userObjects(url);
  const c = await connect(url);
  await c.query('ANALYZE').finally(() => c.end());
  return { relations: after.tables.length, replaced: !!opts.force && existing.tables.length > 0, dumpedFrom };
}
