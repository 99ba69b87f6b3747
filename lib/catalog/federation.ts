import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { EGRESS_MESSAGES, EgressError, egressRequest, type EgressResponse } from '../egress';
import { getDb, type Queryable } from '@/db/client';
import { catalogs, federatedSyncStats } from '@/db/schema';
import type { Actor } from '../actor';
import { authorize, requireTenant } from '../authz';
import { decryptSecret } from '../crypto';
import { AppError, conflict } from '../errors';
import { logger } from '../logger';
import { defineMutation, executeMutation, registerMutations } from '../mutation';
import { findCatalog } from './lookup';
import { idSchema } from '@/lib/ids';

/*
 * Federated catalogs: a remote Iceberg REST catalog we only look at. "Test connection" asks its /v1/config;
 * "sync" walks its namespaces and counts tables and views. All network I/O happens outside any database
 * transaction; only the outcome is written, through mutations (audited like every change).
 */

export const FEDERATION_LIMITS = {
  testTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  syncDeadlineMs: 60_000,
  maxNamespaces: 10_000,
  maxRequests: 5_000,
  /** A sync still "running" after this long is assumed dead (process restart) and may be started again. */
  staleRunningMs: 5 * 60_000,
};

type Remote = {
  catalogId: string;
  catalogName: string;
  url: string;
  authType: 'none' | 'bearer' | 'oauth2';
  warehouse?: string;
  clientId?: string;
  token?: string;
  clientSecret?: string;
};

/** The remote's address and (decrypted, in memory only) credentials; checks the actor may use them. */
async function loadRemote(q: Queryable, actor: Actor, catalogRef: string): Promise<Remote> {
  const tenantId = requireTenant(actor);
  const c = await findCatalog(q, tenantId, catalogRef);
  await authorize(q, actor, 'update', { tenantId, catalogId: c.id }, 'Catalog');
  if (c.catalogType !== 'federated')
    throw new AppError('bad_request', `Catalog "${c.name}" is a local catalog, not a federated one`);
  const [row] = await q
    .select({ cfg: catalogs.federatedConfig, sealed: catalogs.federatedCredentialsEncrypted })
    .from(catalogs)
    .where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, c.id)));
  const cfg = row.cfg ?? {};
  let secrets: { token?: string; clientSecret?: string } = {};
  if (row.sealed) {
    try {
      secrets = JSON.parse(decryptSecret(row.sealed));
    } catch {
      throw new AppError(
        'unavailable',
        'The stored credentials of this catalog cannot be decrypted with the current encryption key',
      );
    }
  }
  return {
    catalogId: c.id,
    catalogName: c.name,
    url: String(cfg.url ?? ''),
    authType: (cfg.authType as Remote['authType']) ?? 'none',
    warehouse: cfg.warehouse,
    clientId: cfg.clientId,
    ...secrets,
  };
}

/** A failure whose message is safe to show: never the remote's body at length, never our credentials. */
class RemoteError extends Error {}

type Client = { remote: Remote; requests: number; authHeader?: string; deadline: number };

/** One JSON request to the remote, with a timeout, no redirects (they would carry our credentials elsewhere). */
async function call(
  client: Client,
  path: string,
  init: { method?: string; body?: URLSearchParams; timeoutMs?: number; auth?: boolean } = {},
) {
  if (++client.requests > FEDERATION_LIMITS.maxRequests)
    throw new RemoteError(`Stopped after ${FEDERATION_LIMITS.maxRequests} requests to the remote catalog`);
  const remaining = client.deadline - Date.now();
  if (remaining <= 0) throw new RemoteError('The remote catalog did not finish answering in time');
  const timeoutMs = Math.min(init.timeoutMs ?? FEDERATION_LIMITS.requestTimeoutMs, remaining);
  const url = `${client.remote.url}${path}`;
  // Through the egress policy (lib/egress.ts): checked address, no redirects, fixed messages. The remote's own
  // words are never shown back: they could be an internal service's answer.
  let res: EgressResponse;
  try {
    res = await egressRequest(url, {
      method: init.method ?? 'GET',
      body: init.body?.toString(),
      timeoutMs,
      headers: {
        accept: 'application/json',
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(init.auth !== false && client.authHeader ? { authorization: client.authHeader } : {}),
      },
    });
  } catch (err) {
    throw new RemoteError(
      `The remote catalog is ${err instanceof EgressError ? err.message : EGRESS_MESSAGES.unreachable}`,
    );
  }
  if (res.status >= 300 && res.status < 400)
    throw new RemoteError(
      `${EGRESS_MESSAGES.refused}: it answered with a redirect (HTTP ${res.status}), which is not followed; enter the final URL`,
    );
  let body: unknown = null;
  try {
    body = res.text ? JSON.parse(res.text) : null;
  } catch {
    if (res.status < 300)
      throw new RemoteError(
        `${EGRESS_MESSAGES.refused}: the answer is not JSON, so this does not look like an Iceberg REST catalog`,
      );
  }
  if (res.status >= 300) {
    if (res.status === 401 || res.status === 403)
      throw new RemoteError(`${EGRESS_MESSAGES.refused} the credentials (HTTP ${res.status})`);
    if (res.status === 404)
      throw Object.assign(new RemoteError(`${EGRESS_MESSAGES.refused}: no Iceberg REST endpoint there (HTTP 404)`), {
        status: 404,
      });
    throw Object.assign(new RemoteError(`${EGRESS_MESSAGES.refused} (HTTP ${res.status})`), { status: res.status });
  }
  return body;
}

/** Bearer token, or an OAuth2 client-credentials exchange at the catalog's token endpoint. */
async function authenticate(client: Client) {
  const r = client.remote;
  if (r.authType === 'bearer') {
    if (!r.token) throw new RemoteError('Bearer authentication is chosen but no token is stored');
    client.authHeader = `Bearer ${r.token}`;
  } else if (r.authType === 'oauth2') {
    if (!r.clientId || !r.clientSecret) throw new RemoteError('OAuth2 needs a client id and a client secret');
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: r.clientId,
      client_secret: r.clientSecret,
      scope: 'PRINCIPAL_ROLE:ALL',
    });
    const out = (await call(client, '/v1/oauth/tokens', { method: 'POST', body, auth: false })) as {
      access_token?: unknown;
    } | null;
    if (typeof out?.access_token !== 'string')
      throw new RemoteError('The OAuth2 token endpoint answered without an access_token');
    client.authHeader = `Bearer ${out.access_token}`;
  }
}

const configSchema = z
  .object({
    defaults: z.record(z.string(), z.unknown()).optional(),
    overrides: z.record(z.string(), z.unknown()).optional(),
    endpoints: z.array(z.string()).optional(),
  })
  .loose();

async function fetchConfig(client: Client) {
  const qs = client.remote.warehouse ? `?warehouse=${encodeURIComponent(client.remote.warehouse)}` : '';
  const raw = await call(client, `/v1/config${qs}`, { timeoutMs: FEDERATION_LIMITS.testTimeoutMs });
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success || (!parsed.data.defaults && !parsed.data.overrides)) {
    throw new RemoteError(
      '/v1/config answered, but without "defaults" or "overrides": this does not look like an Iceberg REST catalog',
    );
  }
  const prefix = parsed.data.overrides?.prefix ?? parsed.data.defaults?.prefix;
  return { prefix: typeof prefix === 'string' && prefix ? prefix : null, endpoints: parsed.data.endpoints ?? null };
}

export type ConnectionTest = { ok: boolean; message: string; latencyMs: number; prefix?: string | null };

/** "Test connection": GET <url>/v1/config with a short timeout, answered as one clear sentence. */
export async function testFederatedConnection(actor: Actor, catalogRef: string): Promise<ConnectionTest> {
  const remote = await loadRemote(await getDb(), actor, catalogRef);
  const started = Date.now();
  const client: Client = { remote, requests: 0, deadline: started + FEDERATION_LIMITS.testTimeoutMs * 2 };
  try {
    await authenticate(client);
    const cfg = await fetchConfig(client);
    const latencyMs = Date.now() - started;
    return {
      ok: true,
      latencyMs,
      prefix: cfg.prefix,
      message: `Connected: ${remote.url} answered /v1/config as an Iceberg REST catalog in ${latencyMs} ms${cfg.prefix && /^[\w.-]{1,64}$/.test(cfg.prefix) ? ` (prefix "${cfg.prefix}")` : ''}`,
    };
  } catch (err) {
    if (!(err instanceof RemoteError)) throw err;
    return { ok: false, latencyMs: Date.now() - started, message: `Connection failed: ${err.message}` };
  }
}

/* ------------------------------------------------------------------ */
/* Sync                                                                */
/* ------------------------------------------------------------------ */

const SEP = '\u001f';
const nsPath = (ns: string[]) => encodeURIComponent(ns.join(SEP));

type ListPage = { namespaces?: unknown; identifiers?: unknown; 'next-page-token'?: unknown };

/** Follows next-page-token until the listing ends. */
async function listAll(client: Client, path: string, key: 'namespaces' | 'identifiers'): Promise<unknown[]> {
  const out: unknown[] = [];
  let token: string | null = null;
  do {
    const sepChar = path.includes('?') ? '&' : '?';
    const page = (await call(
      client,
      token ? `${path}${sepChar}pageToken=${encodeURIComponent(token)}` : path,
    )) as ListPage | null;
    const items = page?.[key];
    if (!Array.isArray(items)) throw new RemoteError(`${path.split('?')[0]} answered without a "${key}" list`);
    out.push(...items);
    const next = page?.['next-page-token'];
    token = typeof next === 'string' && next ? next : null;
  } while (token);
  return out;
}

export type SyncFigures = {
  namespaces: number;
  tables: number;
  views: number;
  viewsSupported: boolean;
  truncated: boolean;
  requests: number;
  /** A few namespace names, to show what was seen. */
  sample: string[];
};

/** Walks the remote's namespace tree (breadth-first, following `parent`) and counts tables and views. */
async function walkRemote(client: Client): Promise<SyncFigures> {
  await authenticate(client);
  const { prefix } = await fetchConfig(client);
  const base = `/v1${prefix ? `/${prefix.split('/').map(encodeURIComponent).join('/')}` : ''}`;
  const seen = new Set<string>();
  const queue: string[][] = [];
  const figures: SyncFigures = {
    namespaces: 0,
    tables: 0,
    views: 0,
    viewsSupported: true,
    truncated: false,
    requests: 0,
    sample: [],
  };

  const visitChildren = async (parent: string[] | null) => {
    const path = `${base}/namespaces${parent ? `?parent=${nsPath(parent)}` : ''}`;
    const found = await listAll(client, path, 'namespaces');
    for (const item of found) {
      if (!Array.isArray(item) || !item.every((p) => typeof p === 'string') || !item.length) continue;
      // Servers that ignore `parent` answer every namespace again: keep only real children, once.
      if (parent && (item.length <= parent.length || parent.some((p, i) => item[i] !== p))) continue;
      const key = item.join(SEP);
      if (seen.has(key)) continue;
      if (seen.size >= FEDERATION_LIMITS.maxNamespaces) {
        figures.truncated = true;
        return;
      }
      seen.add(key);
      queue.push(item);
    }
  };

  await visitChildren(null);
  for (let i = 0; i < queue.length; i++) {
    const ns = queue[i];
    figures.namespaces++;
    if (figures.sample.length < 20) figures.sample.push(ns.join('.'));
    figures.tables += (await listAll(client, `${base}/namespaces/${nsPath(ns)}/tables`, 'identifiers')).length;
    if (figures.viewsSupported) {
      try {
        figures.views += (await listAll(client, `${base}/namespaces/${nsPath(ns)}/views`, 'identifiers')).length;
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (err instanceof RemoteError && (status === 404 || status === 400 || status === 406 || status === 501))
          figures.viewsSupported = false;
        else throw err;
      }
    }
    if (!figures.truncated) await visitChildren(ns);
  }
  figures.requests = client.requests;
  return figures;
}

const syncOutcome = z
  .object({
    catalogId: idSchema('Catalog'),
    status: z.enum(['succeeded', 'failed']),
    durationMs: z.number().int().min(0),
    namespaces: z.number().int().min(0),
    tables: z.number().int().min(0),
    views: z.number().int().min(0),
    error: z.string().max(1000).nullable(),
    stats: z.record(z.string(), z.unknown()),
  })
  .strict();

async function authorizeCatalogUpdate(tx: Queryable, actor: Actor, catalogId: string) {
  const tenantId = requireTenant(actor);
  const c = await findCatalog(tx, tenantId, catalogId);
  await authorize(tx, actor, 'update', { tenantId, catalogId: c.id }, 'Catalog');
  return c;
}

/** Marks a sync as running; refused while another one runs (and is not stale). */
export const startFederatedSync = defineMutation({
  action: 'catalog.sync.start',
  recordInput: ['catalogId'],
  resourceType: 'catalog',
  input: z.object({ catalogId: idSchema('Catalog') }).strict(),
  authorize: async (tx, actor, input) => {
    await authorizeCatalogUpdate(tx, actor, input.catalogId);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalogId);
    const staleBefore = new Date(Date.now() - FEDERATION_LIMITS.staleRunningMs);
    const started = await tx
      .insert(federatedSyncStats)
      .values({ tenantId, catalogId: c.id, status: 'running', lastSyncAt: sql`now()` })
      .onConflictDoUpdate({
        target: [federatedSyncStats.tenantId, federatedSyncStats.catalogId],
        set: { status: 'running', lastSyncAt: sql`now()`, error: null },
        setWhere: sql`${federatedSyncStats.status} <> 'running' OR ${federatedSyncStats.lastSyncAt} IS NULL OR ${federatedSyncStats.lastSyncAt} < ${staleBefore}`,
      })
      .returning({ catalogId: federatedSyncStats.catalogId });
    if (!started.length) throw conflict(`A sync of catalog "${c.name}" is already running`);
    return { data: { catalogId: c.id }, audit: { resourceId: c.id, resourceName: c.name } };
  },
  revalidate: () => ['/catalogs'],
});

/** Records what a sync saw (or why it failed) in federated_sync_stats. */
export const recordFederatedSync = defineMutation({
  action: 'catalog.sync',
  recordInput: ['catalogId', 'status', 'durationMs', 'namespaces', 'tables', 'views', 'error', 'stats'],
  resourceType: 'catalog',
  input: syncOutcome,
  authorize: async (tx, actor, input) => {
    await authorizeCatalogUpdate(tx, actor, input.catalogId);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalogId);
    const values = {
      status: input.status,
      durationMs: input.durationMs,
      error: input.error,
      namespacesSynced: input.namespaces,
      tablesSynced: input.tables,
      stats: { ...input.stats, views: input.views },
    };
    await tx
      .insert(federatedSyncStats)
      .values({ tenantId, catalogId: c.id, lastSyncAt: sql`now()`, ...values })
      .onConflictDoUpdate({
        target: [federatedSyncStats.tenantId, federatedSyncStats.catalogId],
        set: { ...values, lastSyncAt: sql`now()` },
      });
    return {
      data: { catalogId: c.id, ...values },
      audit: {
        resourceId: c.id,
        resourceName: c.name,
        metadata: {
          status: input.status,
          namespaces: input.namespaces,
          tables: input.tables,
          views: input.views,
          error: input.error,
        },
      },
    };
  },
  revalidate: () => ['/catalogs'],
});

registerMutations(startFederatedSync, recordFederatedSync);

export type SyncResult = { ok: boolean; message: string; figures: SyncFigures | null; durationMs: number };

/**
 * "Sync": start (refused if one runs), walk the remote with no transaction open, then record the figures.
 * A failure of the remote is a recorded, failed sync, not an error of this request.
 */
export async function syncFederatedCatalog(actor: Actor, catalogRef: string): Promise<SyncResult> {
  const remote = await loadRemote(await getDb(), actor, catalogRef);
  await executeMutation(startFederatedSync, actor, { catalogId: remote.catalogId });
  const started = Date.now();
  const client: Client = { remote, requests: 0, deadline: started + FEDERATION_LIMITS.syncDeadlineMs };
  let figures: SyncFigures | null = null;
  let error: string | null = null;
  try {
    figures = await walkRemote(client);
  } catch (err) {
    if (err instanceof RemoteError) error = err.message;
    else {
      logger.error('federated sync failed unexpectedly', {
        catalog: remote.catalogName,
        requestId: actor.request.requestId,
        err,
      });
      error = `Unexpected error while reading the remote catalog (request ${actor.request.requestId})`;
    }
  }
  const durationMs = Date.now() - started;
  await executeMutation(recordFederatedSync, actor, {
    catalogId: remote.catalogId,
    status: figures ? 'succeeded' : 'failed',
    durationMs,
    error,
    namespaces: figures?.namespaces ?? 0,
    tables: figures?.tables ?? 0,
    views: figures?.views ?? 0,
    stats: figures
      ? {
          viewsSupported: figures.viewsSupported,
          truncated: figures.truncated,
          requests: figures.requests,
          sample: figures.sample,
        }
      : { requests: client.requests },
  });
  const message = figures
    ? `Synced in ${durationMs} ms: ${figures.namespaces} namespace${figures.namespaces === 1 ? '' : 's'}, ${figures.tables} table${figures.tables === 1 ? '' : 's'}${figures.viewsSupported ? `, ${figures.views} view${figures.views === 1 ? '' : 's'}` : ' (the remote does not list views)'}${figures.truncated ? ` — stopped at ${FEDERATION_LIMITS.maxNamespaces} namespaces` : ''}`
    : `Sync failed: ${error}`;
  return { ok: !!figures, message, figures, durationMs };
}

registerMutations(startFederatedSync, recordFederatedSync);
