import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import lockfile from 'proper-lockfile';
import { env, type Env } from '@/lib/env';
import { observePool } from '@/lib/metrics';
import { poolConfig } from './connection-options';
import { instrumentClient } from './statements';
import * as schema from './schema';

export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that can run queries: the database or a transaction. */
export type Queryable = Db | Tx;

type Handle = { db: Db; kind: 'postgres' | 'pglite'; pool?: Pool; close: () => Promise<void> };

const globalKey = Symbol.for('pangolin.db');
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Handle> };

async function open(config: Env): Promise<Handle> {
  if (config.DATABASE_URL) {
    const pool = new Pool(poolConfig(config));
    // An idle client losing its connection (server restart) must not crash the process.
    pool.on('error', (err) => console.warn(`[db] idle connection lost: ${err.message}`));
    // A checked-out connection can also die between two statements (server restart): the statement in flight
    // fails and the pool discards the client; without a listener the 'error' event would crash the process.
    pool.on('connect', (client) => {
      client.on('error', (err) => console.warn(`[db] connection lost: ${err.message}`));
      instrumentClient(client, { server: 'primary', prepare: config.DATABASE_PREPARED_STATEMENTS });
    });
    observePool(pool); // pangolin_db_pool_connections on /metrics
    // Closing the handle (closeDb, or scripts/server.mjs at shutdown) closes what depends on it first (the replica).
    const close = async () => {
      await runClosers();
      await pool.end();
    };
    return { db: drizzlePg(pool, { schema }), kind: 'postgres', pool, close };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  // `memory://` keeps everything in memory (tests); otherwise PGlite persists under the data directory.
  const inMemory = config.PANGOLIN_DATA_DIR.startsWith('memory://');
  const dataDir = inMemory ? undefined : path.resolve(config.PANGOLIN_DATA_DIR, 'pglite');
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => undefined;
  try {
    const client = new PGlite(dataDir);
    await client.waitReady;
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return { db, kind: 'pglite', close: () => client.close().finally(unlock) };
  } catch (err) {
    await unlock();
    throw err;
  }
}

/** Raised when another process has the embedded database open. */
export class DataDirLockedError extends Error {
  readonly code = 'PANGOLIN_DATA_DIR_LOCKED';
}

/**
 * PGlite is one process's database: two processes opening the same folder each write their own copy and one loses
 * the other's work. So every process that opens it (server, seed, migrate, verify, import, backup) takes this lock
 * first, and a second one refuses at once, naming the process that holds it. The lock is a directory beside the data
 * (`pglite.lock`, atomic mkdir, kept fresh every 10 s and released on exit); one left by a killed process is taken
 * over after 30 s.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const holderFile = `${dataDir}.holder.json`;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: `${dataDir}.lock`,
      realpath: false,
      stale: 30_000,
      update: 10_000,
      onCompromised: (err) =>
        console.error(`[db] the lock on the embedded database was lost (${err.message}); stop this process`),
    });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ELOCKED') throw err;
    let holder = 'another process';
    try {
      const h = JSON.parse(readFileSync(holderFile, 'utf8')) as { pid: number; command: string; since: string };
      holder = `process ${h.pid} (${h.command}, since ${h.since})`;
    } catch {
      // the holder is still starting: its description is not written yet
    }
    throw new DataDirLockedError(
      `The embedded database in ${path.dirname(dataDir)} is in use by ${holder}. It is one process's database: stop ` +
        'that process first (for the console, Ctrl-C where `npm start` runs), then run this again; or run both against ' +
        'PostgreSQL (DATABASE_URL).',
    );
  }
  const command =
    path.basename(process.argv[1] ?? process.argv0) +
    (process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : '');
  writeFileSync(holderFile, JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() }));
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await release().catch(() => undefined);
  };
}

/** The process-wide database handle (one pool, or one embedded PGlite), opened on first use. */
export function dbHandle(): Promise<Handle> {
  const g = globalThis as GlobalWithDb;
  g[globalKey] ??= open(env()).catch((err) => {
    g[globalKey] = undefined;
    throw err;
  });
  return g[globalKey];
}

export async function getDb(): Promise<Db> {
  return (await dbHandle()).db;
}

const closersKey = Symbol.for('pangolin.db.closers');
type GlobalWithClosers = typeof globalThis & { [closersKey]?: Set<() => Promise<void>> };

/** Something closed with the database (the replica's pool, db/replica.ts). */
export function closeWithDb(close: () => Promise<void>) {
  ((globalThis as GlobalWithClosers)[closersKey] ??= new Set()).add(close);
}

async function runClosers() {
  const g = globalThis as GlobalWithClosers;
  const closers = [...(g[closersKey] ?? [])];
  g[closersKey]?.clear();
  await Promise.all(closers.map((c) => c().catch(() => undefined)));
}

export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const pending = g[globalKey];
  g[globalKey] = undefined;
  if (pending) await (await pending).close();
}

export { schema };
