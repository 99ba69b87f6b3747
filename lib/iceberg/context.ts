import { eq, sql } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { readDb } from '@/db/replica';
import { catalogs, type Properties } from '@/db/schema';
import { type Actor, type RequestInfo, isRoot } from '../actor';
import { authenticateApiRequest, refuseFirstStep } from '../auth/api-auth';
import { AppError, notFound } from '../errors';
import { badRequest, IcebergError } from './errors';
import { toPgArray } from '../catalog/lookup';
import { type Storage, type WarehouseStorage } from '../storage/fileio';
import { localWarehouseRoot } from '../storage/roots';
import type { AssetLookup } from './queries/objects';
import { isUuid } from '@/lib/ids';

const SEP = '\u001f';
const API_KEY = /^pgl_[0-9a-f]{16}_/;

/**
 * Bearer JWT or X-API-Key, as for the management API. A service user's key may also be sent as a bearer
 * token (what the OAuth2 token endpoint hands back for key credentials), since Iceberg clients only send bearers.
 */
export async function authenticate(db: Db, headers: Headers, request: RequestInfo): Promise<Actor> {
  const bearer = headers
    .get('authorization')
    ?.match(/^Bearer\s+(.+)$/i)?.[1]
    ?.trim();
  if (bearer && API_KEY.test(bearer) && !headers.get('x-api-key')) {
    const h = new Headers(headers);
    h.delete('authorization');
    h.set('x-api-key', bearer);
    return authenticateApiRequest(db, h, request);
  }
  const actor = await authenticateApiRequest(db, headers, request);
  refuseFirstStep(actor); // 403 ForbiddenException (toIcebergError)
  return actor;
}

export type CatalogContext = {
  db: Db;
  actor: Actor;
  tenantId: string;
  catalog: { id: string; name: string; catalogType: 'local' | 'federated'; storageLocation: string | null };
  /** What the catalog's FileIO may touch: local roots (storage location, warehouse root) or its object-store warehouse. */
  storage: Storage;
  /** The branch/namespace/asset the request addresses, read in the same round trip as the catalog. */
  preloaded?: { key: string; lookup: AssetLookup };
};

/** What a table or view route addresses, known from its path before the catalog is read. */
export type Addressed = { branch: string; path: string[]; name: string };
export const addressKey = (a: Addressed) => `${a.branch}\u0000${a.path.join(SEP)}\u0000${a.name}`;

/**
 * The catalog a prefix names. The prefix is the catalog id (what /v1/config hands out), so it is unique across
 * tenants; a catalog name also works within the caller's tenant. Another tenant's catalog is simply not found.
 */
export async function catalogContext(
  actor: Actor,
  prefix: string,
  addressed?: Addressed | null,
  /** A read (GET: table and view loads, listings): may run on the read replica (db/replica.ts). */
  opts: { read?: boolean } = {},
): Promise<CatalogContext> {
  const db = opts.read ? await readDb(actor) : await getDb();
  if (!actor.tenantId && isRoot(actor) && isUuid(prefix)) {
    // Root without a selected tenant: the catalog id says which tenant it acts in.
    const [row] = await db
      .select({ tenantId: catalogs.tenantId })
      .from(catalogs)
      .where(eq(catalogs.id, prefix))
      .limit(1);
    if (row) actor.tenantId = row.tenantId;
  }
  if (!actor.tenantId)
    throw new AppError(
      'not_found',
      `Catalog "${prefix}" was not found (Root: select a tenant with X-Pangolin-Tenant or use the catalog id as prefix)`,
    );
  // One round trip for the catalog, its warehouse and (for table and view routes) what the path addresses.
  const [c] = (
    await db.execute<{
      id: string;
      name: string;
      catalog_type: 'local' | 'federated';
      storage_location: string | null;
      storage_type: string | null;
      storage_config: Record<string, unknown> | null;
      warehouse_id: string | null;
      warehouse_name: string | null;
      warehouse_version: string | null;
      credentials_encrypted: string | null;
      branch_id: string | null;
      namespace_id: string | null;
      namespace_properties: Properties | null;
      asset_id: string | null;
      asset_type: 'table' | 'view' | null;
      metadata_location: string | null;
      tags: string[] | null;
    }>(sql`
    SELECT c.id, c.name, c.catalog_type, c.storage_location, w.storage_type, w.storage_config,
           w.id AS warehouse_id, w.name AS warehouse_name, w.updated_at::text AS warehouse_version, w.credentials_encrypted,
           b.id AS branch_id, n.id AS namespace_id, n.properties AS namespace_properties,
           a.asset_id, a.asset_type, a.metadata_location, bm.tags
    FROM catalogs c
    LEFT JOIN warehouses w ON w.tenant_id = c.tenant_id AND w.id = c.warehouse_id
    LEFT JOIN branches b ON ${addressed ? sql`b.tenant_id = c.tenant_id AND b.catalog_id = c.id AND b.name = ${addressed.branch}` : sql`false`}
    LEFT JOIN namespaces n ON ${addressed ? sql`n.tenant_id = c.tenant_id AND n.catalog_id = c.id AND n.path = ${toPgArray(addressed.path)}::text[]` : sql`false`}
    LEFT JOIN assets a ON a.tenant_id = c.tenant_id AND a.branch_id = b.id AND a.namespace_id = n.id AND a.name = ${addressed?.name ?? ''}
    LEFT JOIN business_metadata bm ON bm.tenant_id = c.tenant_id AND bm.asset_id = a.asset_id
    WHERE c.tenant_id = ${actor.tenantId} AND ${isUuid(prefix) ? sql`c.id = ${prefix}` : sql`c.name = ${prefix}`}
    LIMIT 1`)
  ).rows;
  if (!c) throw notFound(`Catalog "${prefix}"`);
  // The one local root is the warehouse's folder inside the tenant's (never a path the tenant typed); a warehouse
  // whose root path is not a relative folder (made before storage was confined) serves nothing until it is fixed.
  const roots: string[] = [];
  const localRoot = c.storage_type === 'local' ? localWarehouseRoot(actor.tenantId, c.storage_config?.rootPath) : null;
  if (localRoot) roots.push(localRoot);
  return {
    db,
    actor,
    tenantId: actor.tenantId,
    catalog: { id: c.id, name: c.name, catalogType: c.catalog_type, storageLocation: c.storage_location },
    storage: { roots, warehouse: objectWarehouse(c) },
    ...(addressed
      ? {
          preloaded: {
            key: addressKey(addressed),
            lookup: {
              branchId: c.branch_id,
              namespaceId: c.namespace_id,
              namespaceProperties: c.namespace_properties ?? {},
              assetId: c.asset_id,
              assetType: c.asset_type,
              metadataLocation: c.metadata_location,
              tags: c.tags ?? [],
            },
          },
        }
      : {}),
  };
}

/** The catalog's warehouse when it is an object store (its credentials still sealed), else null. */
export function objectWarehouse(c: {
  storage_type: string | null;
  storage_config: Record<string, unknown> | null;
  warehouse_id: string | null;
  warehouse_name: string | null;
  warehouse_version: string | null;
  credentials_encrypted: string | null;
}): WarehouseStorage | null {
  const type = c.storage_type;
  if (!c.warehouse_id || (type !== 's3' && type !== 'azure' && type !== 'gcs')) return null;
  return {
    id: c.warehouse_id,
    version: c.warehouse_version ?? '',
    name: c.warehouse_name ?? '',
    type,
    config: c.storage_config ?? {},
    credentialsEncrypted: c.credentials_encrypted,
  };
}

/** Tables and views live in local catalogs; a federated catalog's tables belong to its remote catalog. */
export function requireLocalCatalog(ctx: CatalogContext): string {
  if (ctx.catalog.catalogType !== 'local' || !ctx.catalog.storageLocation) {
    throw new IcebergError(
      400,
      'BadRequestException',
      `Catalog "${ctx.catalog.name}" is federated: use its remote Iceberg REST catalog for tables and views`,
    );
  }
  return ctx.catalog.storageLocation.replace(/\/+$/, '');
}

/** A namespace path segment: levels separated by 0x1F (%1F); the last level may carry `@branch`. */
export function parseNamespace(raw: string): { path: string[]; branch: string | null } {
  const path = raw.split(SEP);
  let branch: string | null = null;
  const last = path[path.length - 1];
  const at = last.lastIndexOf('@');
  if (at >= 0) {
    branch = last.slice(at + 1);
    path[path.length - 1] = last.slice(0, at);
  }
  if (path.some((p) => !p) || path.slice(0, -1).some((p) => p.includes('@')) || branch === '') {
    throw badRequest(
      `Invalid namespace "${raw.split(SEP).join('.')}": levels are separated by %1F and only the last may carry @branch`,
    );
  }
  return { path, branch };
}

/** `name` or `name@branch`: the last "@" separates the branch, so a name containing "@" is written `a@b@main`. */
export function parseName(raw: string): { name: string; branch: string | null } {
  const at = raw.lastIndexOf('@');
  if (at < 0) return { name: raw, branch: null };
  const name = raw.slice(0, at);
  const branch = raw.slice(at + 1);
  if (!name || !branch) throw badRequest(`Invalid name "${raw}": use name or name@branch`);
  return { name, branch };
}

/** The branch a request addresses: the table's `@branch`, else the namespace's, else main. They must agree. */
export function pickBranch(...candidates: (string | null | undefined)[]): string {
  const given = [...new Set(candidates.filter((c): c is string => !!c))];
  if (given.length > 1) throw badRequest(`Conflicting branches in one request: ${given.join(' and ')}`);
  return given[0] ?? 'main';
}

/** A namespace given as a JSON array in a request body (e.g. rename), with an optional `@branch` on its last level. */
export function namespaceFromArray(parts: string[]): { path: string[]; branch: string | null } {
  return parseNamespace(parts.join(SEP));
}
