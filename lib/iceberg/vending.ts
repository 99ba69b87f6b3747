import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import type { Actor } from '../actor';
import { authorize, can, requireTenant } from '../authz';
import { identifierPart, namespacePath, objectName } from '../catalog/names';
import { env } from '../env';
import { idSchema } from '../ids';
import { defineMutation, registerMutations } from '../mutation';
import { sharedStorageAllowed } from '../storage/roots';
import {
  remoteSigningConfig,
  signForTable,
  vendCredentials,
  type Access,
  type VendingStrategy,
  type Vended,
} from '../storage/vending';
import { assetRef, locate, type AssetRef } from './assets';
import { parseName, parseNamespace, pickBranch, type CatalogContext } from './context';
import { badRequest, IcebergError } from './errors';
import { json, mutate, parseBody, rawJson } from './http';
import { logger } from '../logger';
import { parseJson } from './json';
import { readTableMetadata } from './store';

/*
 * Credential vending and remote signing (the Iceberg REST spec's access delegation): an engine that loads, creates
 * or asks for a table's credentials gets storage credentials scoped to that table's location, read-only or
 * read-write as its grants on the table say, living no longer than PANGOLIN_VENDED_CREDENTIALS_TTL_SECS nor than
 * its own token; or, where the warehouse signs, the catalog signs each S3 request for that table's files. Every
 * vend is an audit row (`asset.vend_credentials`), written before the credentials are answered; never the secret.
 */

type Mode = 'vended-credentials' | 'remote-signing';

/** The modes an `X-Iceberg-Access-Delegation` header asks for (comma-separated; unknown ones are ignored). */
export function delegationOf(headers: Headers): Set<Mode> {
  const modes = new Set<Mode>();
  for (const part of (headers.get('x-iceberg-access-delegation') ?? '').split(',')) {
    const m = part.trim().toLowerCase();
    if (m === 'vended-credentials' || m === 'remote-signing') modes.add(m);
  }
  return modes;
}

async function strategyOf(ctx: CatalogContext): Promise<VendingStrategy> {
  const w = ctx.storage.warehouse;
  if (!w) return 'none';
  const [row] = (
    await ctx.db.execute<{ vending_strategy: VendingStrategy }>(
      sql`SELECT vending_strategy FROM warehouses WHERE tenant_id = ${ctx.tenantId} AND id = ${w.id}`,
    )
  ).rows;
  return row?.vending_strategy ?? 'none';
}

/** The TTL, capped by the caller's own credential (a token or an expiring service-user key). */
export function vendExpiry(actor: Actor, now = Date.now()): number {
  const ttl = now + env().PANGOLIN_VENDED_CREDENTIALS_TTL_SECS * 1000;
  const until = Math.min(ttl, actor.credentialExpiresAt ?? ttl);
  if (until - now < 60_000)
    throw new IcebergError(
      401,
      'NotAuthorizedException',
      'Your token expires within a minute: get a new one before asking for storage credentials',
    );
  return until;
}

type Target = { r: AssetRef; assetId: string | null; location: string; access: Access };

/** Read-write for whoever may commit to the table (`update`, which `write` implies), else read-only. */
async function accessOf(ctx: CatalogContext, r: AssetRef, assetId: string, tags: string[]): Promise<Access> {
  const obj = { tenantId: ctx.tenantId, catalogId: ctx.catalog.id, namespacePath: r.path, assetId, tags };
  return (await can(ctx.db, ctx.actor, 'update', obj)) ? 'read-write' : 'read';
}

/** An existing table the caller may read, with its location read from its current metadata file. */
async function existingTarget(ctx: CatalogContext, r: AssetRef): Promise<Target> {
  const a = await locate(ctx, r, 'table', 'read', 'asset.vend_credentials');
  const { metadata } = await readTableMetadata(a.metadataLocation, ctx.storage);
  return { r, assetId: a.assetId, location: metadata.location, access: await accessOf(ctx, r, a.assetId, a.tags) };
}

/**
 * A table whose location holds, or lies inside, another table's files gets no credentials: they would reach that
 * table too (a client may choose a table's location when it creates it). Another tenant's tables count only where
 * the operator lets tenants share storage; the answer never names the other table.
 */
async function refuseSharedLocation(ctx: CatalogContext, assetId: string | null, location: string) {
  const dir = location.replace(/\/+$/, '');
  // Tables whose metadata lies under this location, or whose location is an ancestor folder of it (its metadata
  // then lies in <ancestor>/metadata/). Each is a prefix search on idx_assets_table_location_prefix.
  const parts = dir.split('/');
  const first = dir.indexOf('://') >= 0 ? 2 : 1; // s3://bucket/a/b: ancestors from s3://bucket on
  const prefixes = [`${dir}/`];
  for (let i = first; i < parts.length - 1; i++) prefixes.push(`${parts.slice(0, i + 1).join('/')}/metadata/`);
  const like = (p: string) => `${p.slice(0, 512).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const scope = sql`${sharedStorageAllowed() ? sql`true` : sql`a.tenant_id = ${ctx.tenantId}`}
    AND ${assetId ? sql`a.asset_id <> ${assetId}` : sql`true`}`;
  // One index range scan per prefix (an OR of them would scan the whole index).
  const searches = prefixes.map(
    (p) => sql`(SELECT 1 FROM assets a WHERE a.asset_type = 'table' AND a.metadata_location IS NOT NULL
      AND left(a.metadata_location, 512) LIKE ${like(p)} AND starts_with(a.metadata_location, ${p}) AND ${scope} LIMIT 1)`,
  );
  const [hit] = (await ctx.db.execute(sql`${sql.join(searches, sql` UNION ALL `)} LIMIT 1`)).rows;
  if (hit)
    throw new IcebergError(
      403,
      'ForbiddenException',
      `The location ${location} holds or lies inside another table's files: no credentials are vended for it`,
    );
}

/**
 * Remote signing asks for every S3 request an engine sends: the overlap verdict (a scan of the tenant's tables) is
 * remembered for a minute per table and location. Vending itself always checks afresh.
 */
const SIGNING_VERDICT_MS = 60_000;
const verdicts = new Map<string, number>();

async function refuseSharedLocationCached(ctx: CatalogContext, assetId: string, location: string) {
  const key = `${ctx.tenantId}\u0000${assetId}\u0000${location}`;
  const checked = verdicts.get(key);
  if (checked !== undefined && Date.now() - checked < SIGNING_VERDICT_MS) return;
  await refuseSharedLocation(ctx, assetId, location);
  if (verdicts.size >= 10_000) verdicts.clear();
  verdicts.set(key, Date.now());
}

const vendInput = z
  .object({
    catalogId: idSchema('Catalog'),
    /** Null for a staged create (the table does not exist yet; its namespace's `create` grant applies). */
    assetId: idSchema('Table').nullable(),
    namespace: namespacePath,
    table: identifierPart('Table name'),
    branch: objectName('Branch'),
    strategy: z.enum(['static', 'sts', 'sas', 'downscoped', 'remote-signing']),
    access: z.enum(['read', 'read-write']),
    expiresAt: z.iso.datetime().nullable(),
    prefix: z.string().min(1).max(2048),
  })
  .strict();

async function checkVend(q: Queryable, actor: Actor, input: z.output<typeof vendInput>) {
  const tenantId = requireTenant(actor);
  const base = { tenantId, catalogId: input.catalogId, namespacePath: input.namespace };
  if (!input.assetId) return authorize(q, actor, 'create', base, 'Namespace');
  const [bm] = (
    await q.execute<{ tags: string[] }>(
      sql`SELECT tags FROM business_metadata WHERE tenant_id = ${tenantId} AND asset_id = ${input.assetId}`,
    )
  ).rows;
  await authorize(q, actor, 'read', { ...base, assetId: input.assetId, tags: bm?.tags ?? [] }, 'Table');
}

/** The audit row of a vend: which table, how (strategy), what access, until when; never the credentials. */
const recordVend = defineMutation({
  action: 'asset.vend_credentials',
  recordInput: ['catalogId', 'assetId', 'namespace', 'table', 'branch', 'strategy', 'access', 'expiresAt', 'prefix'],
  resourceType: 'asset',
  input: vendInput,
  authorize: async (tx, actor, input) => {
    await checkVend(tx, actor, input);
  },
  run: async (_tx, _actor, input) => ({
    data: { recorded: true },
    audit: {
      resourceId: input.assetId,
      resourceName: [...input.namespace, input.table].join('.'),
      metadata: {
        branch: input.branch,
        strategy: input.strategy,
        access: input.access,
        expiresAt: input.expiresAt,
        prefix: input.prefix,
        via: 'iceberg-rest',
      },
    },
  }),
});

registerMutations(recordVend);

const audit = (
  ctx: CatalogContext,
  t: Target,
  strategy: z.input<typeof vendInput>['strategy'],
  expiresAt: number | null,
) =>
  mutate(recordVend, ctx.actor, {
    catalogId: ctx.catalog.id,
    assetId: t.assetId,
    namespace: t.r.path,
    table: t.r.name,
    branch: t.r.branch,
    strategy,
    access: t.access,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    prefix: t.location,
  });

/** The table's routes under the catalog's base URI, as engines resolve relative endpoints against it. */
const tablePath = (ctx: CatalogContext, r: AssetRef) =>
  `v1/${encodeURIComponent(ctx.catalog.id)}/namespaces/${encodeURIComponent(r.path.join('\u001f'))}/tables/${encodeURIComponent(
    r.branch === 'main' ? r.name : `${r.name}@${r.branch}`,
  )}`;

/**
 * Minted credentials, reused for the same caller, table location, access and warehouse version while they have at
 * least half the TTL left and do not outlive the caller's token: a job whose tasks all load one table costs one
 * AssumeRole, not one per task. Each answer is still audited. Static keys are not cached (nothing is minted).
 */
const minted = new Map<string, Vended>();
const MAX_MINTED = 10_000;

async function vendFor(ctx: CatalogContext, t: Target, strategy: VendingStrategy): Promise<Vended> {
  await refuseSharedLocation(ctx, t.assetId, t.location);
  const w = ctx.storage.warehouse!;
  const notAfter = vendExpiry(ctx.actor);
  const now = Date.now();
  const key = [w.id, w.version, strategy, ctx.actor.kind, ctx.actor.id, t.location, t.access].join('\u0000');
  let vended = minted.get(key);
  const halfTtl = (env().PANGOLIN_VENDED_CREDENTIALS_TTL_SECS * 1000) / 2;
  if (!vended || vended.expiresAt === null || vended.expiresAt > notAfter || vended.expiresAt - now < halfTtl) {
    vended = await vendCredentials(w, strategy, {
      location: t.location,
      access: t.access,
      notAfter,
      sessionName: ctx.actor.name,
    });
    if (vended.expiresAt !== null) {
      if (minted.size >= MAX_MINTED) minted.delete(minted.keys().next().value!);
      minted.delete(key);
      minted.set(key, vended);
    }
  }
  await audit(ctx, t, strategy as Exclude<VendingStrategy, 'none'>, vended.expiresAt);
  return vended;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

/** GET …/tables/{table}/credentials: the spec's loadCredentials. 403 when the warehouse vends none. */
export async function loadCredentials(ctx: CatalogContext, namespaceRaw: string, nameRaw: string) {
  const r = assetRef(namespaceRaw, nameRaw);
  const t = await existingTarget(ctx, r);
  const strategy = await strategyOf(ctx);
  if (strategy === 'none') {
    throw new IcebergError(
      403,
      'ForbiddenException',
      ctx.storage.warehouse
        ? `Catalog "${ctx.catalog.name}" vends no storage credentials: its warehouse's credential vending strategy is "none" (a tenant admin can choose one on the warehouse's page); engines then need their own storage keys`
        : `Catalog "${ctx.catalog.name}" keeps its tables on the server's local storage: there are no storage credentials to vend`,
    );
  }
  const v = await vendFor(ctx, t, strategy);
  return json({ 'storage-credentials': [{ prefix: v.prefix, config: v.config }] }, 200, NO_STORE);
}

/**
 * Load and create answers with what the client's X-Iceberg-Access-Delegation asks for and the warehouse offers:
 * vended credentials (in `storage-credentials` and, for engines that read only `config`, there too) or the remote
 * signing settings. The spec lets the server supply none of the requested mechanisms, so a warehouse that vends
 * nothing answers as without the header (PyIceberg sends it by default); GET …/credentials is where "none" is a 403.
 */
export async function withDelegation(
  ctx: CatalogContext,
  namespaceRaw: string,
  nameRaw: string | null,
  req: Request,
  res: Response,
  opts: { created?: boolean } = {},
): Promise<Response> {
  if (!opts.created) return delegate(ctx, namespaceRaw, nameRaw, req, res);
  // A table just created stays created: if its credentials cannot be had (a location shared with another table,
  // STS unreachable, …) the create answers without them, and GET …/credentials says why.
  const body = await res.clone().text();
  try {
    return await delegate(ctx, namespaceRaw, nameRaw, req, res);
  } catch (err) {
    logger.warn('Credentials for a created table were not vended', {
      requestId: ctx.actor.request.requestId,
      reason: err instanceof Error ? err.message : String(err),
    });
    return rawJson(body, { 'Cache-Control': 'no-store' });
  }
}

async function delegate(
  ctx: CatalogContext,
  namespaceRaw: string,
  nameRaw: string | null,
  req: Request,
  res: Response,
): Promise<Response> {
  const modes = delegationOf(req.headers);
  const w = ctx.storage.warehouse;
  if (res.status !== 200 || !modes.size || !w || !nameRaw) return res;
  const strategy = modes.has('vended-credentials') ? await strategyOf(ctx) : 'none';
  const signing = modes.has('remote-signing') && w.type === 's3' && w.config.remoteSigning === true;
  if (strategy === 'none' && !signing) return res;

  const body = parseJson(await res.text()) as {
    'metadata-location'?: string;
    metadata: { location: string };
    config?: Record<string, string>;
    'storage-credentials'?: { prefix: string; config: Record<string, string> }[];
  };
  let t: Target;
  if (body['metadata-location']) {
    t = await existingTarget(ctx, assetRef(namespaceRaw, nameRaw));
  } else {
    // A staged create: the table exists only in this answer; its creator (namespace `create`) writes its first files.
    const ns = parseNamespace(namespaceRaw);
    const n = parseName(nameRaw);
    const r = { path: ns.path, name: n.name, branch: pickBranch(n.branch, ns.branch) };
    t = { r, assetId: null, location: body.metadata.location, access: 'read-write' };
  }
  const path = tablePath(ctx, t.r);
  if (strategy !== 'none') {
    const v = await vendFor(ctx, t, strategy);
    body['storage-credentials'] = [{ prefix: v.prefix, config: v.config }];
    body.config = {
      ...body.config,
      ...v.config,
      // Engines refresh expiring credentials there (not for a staged table: it exists once committed).
      ...(v.expiresAt !== null && t.assetId ? { 'client.refresh-credentials-endpoint': `${path}/credentials` } : {}),
    };
  } else {
    await refuseSharedLocation(ctx, t.assetId, t.location);
    await audit(ctx, t, 'remote-signing', null);
    body.config = { ...body.config, ...remoteSigningConfig(w, new URL(req.url).origin, `${path}/sign`) };
  }
  const out = json(body, 200, NO_STORE);
  const etag = res.headers.get('etag');
  if (etag) out.headers.set('ETag', etag);
  return out;
}

const signRequestBody = z
  .object({
    region: z.string().max(64),
    uri: z.string().min(1).max(8192),
    method: z.string().max(16),
    headers: z.record(z.string(), z.array(z.string().max(8192)).max(64)),
    properties: z.record(z.string(), z.string()).optional(),
    body: z.string().max(1_000_000).optional(),
    provider: z.string().max(32).optional(),
  })
  .strict();

/**
 * POST …/tables/{table}/sign: the spec's signRequest. Only for a warehouse that signs, only for the table's own keys,
 * GET/HEAD for readers and PUT/POST/DELETE for writers (lib/storage/vending/signer.ts).
 */
export async function signRequest(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, raw: unknown) {
  const req = parseBody(raw, signRequestBody);
  if (req.provider && req.provider.toLowerCase() !== 's3')
    throw badRequest(`Only S3 requests are signed; this one is for ${req.provider}`);
  const t = await existingTarget(ctx, assetRef(namespaceRaw, nameRaw));
  const w = ctx.storage.warehouse;
  if (!w)
    throw new IcebergError(403, 'ForbiddenException', `Catalog "${ctx.catalog.name}" does not sign storage requests`);
  await refuseSharedLocationCached(ctx, t.assetId!, t.location);
  const signed = await signForTable(w, t.location, t.access, req);
  return json(signed, 200, { 'Cache-Control': 'no-cache' });
}
