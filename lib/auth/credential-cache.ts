import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { closeWithDb } from '@/db/client';
import { poolConfig } from '@/db/connection-options';
import { env } from '../env';
import { logger } from '../logger';
import { appMetrics } from '../metrics';

/**
 * What a token or service key resolved to (the account, its state, its grants), kept for a short while so a request
 * does not spend a round trip on it. Correctness rests on PostgreSQL telling every instance of every change:
 * triggers (migration 0027) NOTIFY `pangolin_credentials` with the account, role or tenant touched, at commit, and
 * each instance LISTENs on a connection of its own and drops the entries concerned.
 *
 * - The cache is used only while that connection is up and proven to hear notices (a ping sent on another
 *   connection came back): a lost connection empties it and bypasses it until it is back, and a PgBouncer in
 *   transaction mode (where LISTEN cannot work) never passes the ping, so the cache stays off there
 *   (`DATABASE_LISTEN_URL` can point the listener at PostgreSQL directly).
 * - The instance that made a change waits for its own notice before it answers (`credentialsSettled`), and every
 *   instance hears a notice at the same moment, so the request after a revocation is refused by whichever
 *   instance it reaches.
 * - Entries also expire after `PANGOLIN_CREDENTIALS_CACHE_SECS` (0 turns the cache off), and callers check time
 *   limits (token expiry, grant expiry) at each use.
 */

const CHANNEL = 'pangolin_credentials';

export type CacheScopes = { tenantId: string | null; userId?: string; serviceUserId?: string; roleIds?: string[] };

type Entry = { value: unknown; scopes: Set<string>; expiresAt: number };

type State = {
  entries: Map<string, Entry>;
  client: pg.Client | null;
  /** LISTEN is in place and a ping came back: entries may be used. */
  hearing: boolean;
  starting: Promise<void> | null;
  retryAt: number;
  pings: Map<string, () => void>;
  /** Transactions whose notices arrived (their markers), most recent last. */
  heard: Set<string>;
  waiters: Map<string, (() => void)[]>;
  timer: NodeJS.Timeout | null;
};

const stateKey = Symbol.for('pangolin.credential-cache');
const g = globalThis as typeof globalThis & { [stateKey]?: State };
const state = (): State =>
  (g[stateKey] ??= {
    entries: new Map(),
    client: null,
    hearing: false,
    starting: null,
    retryAt: 0,
    pings: new Map(),
    heard: new Set(),
    waiters: new Map(),
    timer: null,
  });

const MAX_ENTRIES = 10_000;
const PING_EVERY_MS = 30_000;
const PING_TIMEOUT_MS = 3_000;

function ttlMs(): number {
  return env().PANGOLIN_CREDENTIALS_CACHE_SECS * 1000;
}

/** Whether the cache can be used now; starts the listener on first use (PostgreSQL only). */
function usable(): boolean {
  const config = env();
  if (!config.DATABASE_URL || config.PANGOLIN_CREDENTIALS_CACHE_SECS === 0) return false;
  const s = state();
  if (!s.hearing && !s.starting && Date.now() >= s.retryAt) s.starting = listen().finally(() => (s.starting = null));
  return s.hearing;
}

/** The cached value for `key`, if the cache is usable and it has one that has not expired. */
export function cachedCredential<T>(key: string): T | undefined {
  const lookups = appMetrics().credentialLookups;
  if (!usable()) {
    lookups.inc({ result: 'off' });
    return undefined;
  }
  const e = state().entries.get(key);
  if (e && e.expiresAt <= Date.now()) state().entries.delete(key);
  const hit = !!e && e.expiresAt > Date.now();
  lookups.inc({ result: hit ? 'hit' : 'miss' });
  return hit ? (e.value as T) : undefined;
}

/** Keeps `value` for `key` until a change in one of its scopes, the cache's lifetime or `until` (epoch ms). */
export function rememberCredential(key: string, value: unknown, scopes: CacheScopes, until?: number): void {
  if (!usable()) return;
  const s = state();
  if (s.entries.size >= MAX_ENTRIES) s.entries.delete(s.entries.keys().next().value!);
  const set = new Set<string>([`t:${scopes.tenantId}`]);
  if (scopes.userId) set.add(`u:${scopes.userId}`);
  if (scopes.serviceUserId) set.add(`s:${scopes.serviceUserId}`);
  for (const r of scopes.roleIds ?? []) set.add(`r:${r}`);
  s.entries.set(key, { value, scopes: set, expiresAt: Math.min(Date.now() + ttlMs(), until ?? Infinity) });
}

function forgetScope(scope: string) {
  for (const [key, e] of state().entries) if (e.scopes.has(scope)) state().entries.delete(key);
}

/**
 * Stops using the cache: empties it, closes the listening connection and releases whoever waits for a notice (with
 * the cache off, nothing stale can be served).
 */
function goDeaf(): Promise<void> {
  const s = state();
  s.hearing = false;
  s.entries.clear();
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
  const client = s.client;
  s.client = null;
  for (const resolve of [...s.waiters.values()].flat()) resolve();
  s.waiters.clear();
  return client ? client.end().catch(() => undefined) : Promise.resolve();
}

/** The listening connection failed or stopped hearing: off until a retry in 5 s proves it again. */
function stopHearing(reason: string) {
  if (state().hearing)
    logger.warn('credentials cache off until the database connection for change notices is back', { reason });
  state().retryAt = Date.now() + 5_000;
  void goDeaf();
}

function onNotice(payload: string) {
  const s = state();
  if (payload.startsWith('ping:')) {
    s.pings.get(payload.slice(5))?.();
    return;
  }
  const at = payload.lastIndexOf('@');
  const scope = at > 0 ? payload.slice(0, at) : payload;
  forgetScope(scope);
  const marker = at > 0 ? payload.slice(at + 1) : '';
  if (!marker) return;
  s.heard.add(marker);
  if (s.heard.size > 1000) s.heard.delete(s.heard.values().next().value!);
  for (const resolve of s.waiters.get(marker) ?? []) resolve();
  s.waiters.delete(marker);
}

/** Sends a ping on a connection of its own and waits for the listener to hear it. */
async function ping(): Promise<boolean> {
  const s = state();
  const id = randomUUID();
  const heard = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    s.pings.set(id, () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  const sender = new pg.Client(poolConfig(env(), 'pangolin-console-ping'));
  try {
    await sender.connect();
    await sender.query('SELECT pg_notify($1, $2)', [CHANNEL, `ping:${id}`]);
    return await heard;
  } catch {
    return false;
  } finally {
    s.pings.delete(id);
    await sender.end().catch(() => undefined);
  }
}

async function listen(): Promise<void> {
  const s = state();
  const config = env();
  const base = poolConfig(config, 'pangolin-console-listen');
  const client = new pg.Client({
    ...base,
    connectionString: config.DATABASE_LISTEN_URL ?? base.connectionString,
    keepAlive: true,
  });
  client.on('error', (err) => stopHearing(err.message));
  client.on('end', () => s.client === client && stopHearing('connection closed'));
  client.on('notification', (n) => n.channel === CHANNEL && n.payload && onNotice(n.payload));
  try {
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    s.client = client;
    closeWithDb(stopCredentialCache); // closed with the pool (graceful shutdown, tests)
    if (!(await ping())) {
      if (!s.retryAt) {
        logger.warn(
          'credentials cache off: change notices do not arrive through DATABASE_URL (a PgBouncer in transaction mode?); set DATABASE_LISTEN_URL to a direct connection to turn it on',
        );
      }
      s.client = null;
      s.retryAt = Date.now() + 60_000;
      await client.end().catch(() => undefined);
      return;
    }
    s.hearing = true;
    s.timer = setInterval(() => {
      void ping().then((ok) => ok || stopHearing('a ping was not heard'));
    }, PING_EVERY_MS);
    s.timer.unref();
  } catch (err) {
    s.client = null;
    s.retryAt = Date.now() + 5_000;
    await client.end().catch(() => undefined);
    logger.warn('credentials cache off: could not listen for change notices', { err });
  }
}

/**
 * After a transaction that changed credentials (its marker, read back by the audit append) committed: waits until
 * this instance heard its notices, so its cache holds nothing stale when the answer leaves (at most 2 s; the cache
 * is emptied if it takes longer).
 */
export async function credentialsSettled(marker: string | null | undefined): Promise<void> {
  if (!marker) return;
  const s = state();
  if (!s.hearing || s.heard.has(marker)) return;
  let timer: NodeJS.Timeout | undefined;
  const heard = new Promise<boolean>((resolve) => {
    s.waiters.set(marker, [...(s.waiters.get(marker) ?? []), () => resolve(true)]);
    timer = setTimeout(() => resolve(false), 2_000);
  });
  if (!(await heard)) {
    s.waiters.delete(marker);
    s.entries.clear();
  }
  clearTimeout(timer);
}

/** Stops listening and empties the cache (shutdown, tests). */
export async function stopCredentialCache(): Promise<void> {
  await goDeaf();
}
