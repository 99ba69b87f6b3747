import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import { env, type Env } from '@/lib/env';
import { poolConfig } from './connection-options';
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
    pool.on('connect', (client) => client.on('error', (err) => console.warn(`[db] connection lost: ${err.message}`)));
    return { db: drizzlePg(pool, { schema }), kind: 'postgres', pool, close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  // `memory://` keeps everything in memory (tests); otherwise PGlite persists under the data directory.
  const inMemory = config.PANGOLIN_DATA_DIR.startsWith('memory://');
  const dataDir = inMemory ? undefined : path.resolve(config.PANGOLIN_DATA_DIR, 'pglite');
  if (dataDir) mkdirSync(path.dirname(dataDir), { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return { db, kind: 'pglite', close: () => client.close() };
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

export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const pending = g[globalKey];
  g[globalKey] = undefined;
  if (pending) await (await pending).close();
}

export { schema };
