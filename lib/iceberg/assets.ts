import type { PermissionAction } from '@/db/schema';
import { actorRef, recordAuditEvent } from '../audit-chain';
import { authorize, type ObjectRef } from '../authz';
import { AppError } from '../errors';
import type { CatalogContext } from './context';
import { addressKey, parseName, parseNamespace, pickBranch } from './context';
import { alreadyExists, badRequest, IcebergError, noSuchNamespace, noSuchTable, noSuchView } from './errors';
import { identifierPart } from '../catalog/names';
import { lookupAsset, type AssetLookup } from './queries/objects';

export type Kind = 'table' | 'view';

/** A table or view addressed by a request: namespace path, name and branch (`@branch` on either). */
export type AssetRef = { path: string[]; name: string; branch: string };

export function assetRef(namespaceRaw: string, nameRaw: string): AssetRef {
  const ns = parseNamespace(namespaceRaw);
  const n = parseName(nameRaw);
  return { path: ns.path, name: n.name, branch: pickBranch(n.branch, ns.branch) };
}

export const display = (r: AssetRef) => `${r.path.join('.')}.${r.name}${r.branch === 'main' ? '' : `@${r.branch}`}`;

const noSuch = (kind: Kind, r: AssetRef) => (kind === 'table' ? noSuchTable(display(r)) : noSuchView(display(r)));

/** Branch and namespace must exist; the asset may or may not. */
export async function lookupIn(
  ctx: CatalogContext,
  r: AssetRef,
  kind: Kind,
  scope: 'asset' | 'namespace' = 'asset',
): Promise<AssetLookup & { branchId: string; namespaceId: string }> {
  // The router read it with the catalog when the path named it; used once, later lookups see later state.
  const preloaded = ctx.preloaded?.key === addressKey(r) ? ctx.preloaded.lookup : null;
  if (preloaded) ctx.preloaded = undefined;
  const a = preloaded ?? (await lookupAsset(ctx.db, ctx.tenantId, ctx.catalog.id, r.branch, r.path, r.name));
  if (!a.branchId) {
    // A missing branch makes the addressed object missing: the table/view, or for listings and creates the namespace@branch.
    const type =
      scope === 'namespace'
        ? 'NoSuchNamespaceException'
        : kind === 'table'
          ? 'NoSuchTableException'
          : 'NoSuchViewException';
    throw new IcebergError(404, type, `Branch "${r.branch}" does not exist in catalog ${ctx.catalog.name}`);
  }
  // A table or view in a namespace that does not exist is a missing table or view (Java's client and Spark fall
  // back to metadata tables such as db.t.snapshots only on NoSuchTableException); listings and creates name the namespace.
  if (!a.namespaceId) {
    if (scope === 'namespace') throw noSuchNamespace(r.path);
    const what = kind === 'table' ? 'Table' : 'View';
    throw new IcebergError(
      404,
      kind === 'table' ? 'NoSuchTableException' : 'NoSuchViewException',
      `${what} does not exist: ${display(r)} (namespace ${r.path.join('.')} does not exist)`,
    );
  }
  return a as AssetLookup & { branchId: string; namespaceId: string };
}

/**
 * Authorization before any file is read or written. A refused change is audited under the action the
 * catalog mutation would have run (asset.create, asset.update, …), as the console audits its refusals.
 */
async function authorizeAs(
  ctx: CatalogContext,
  action: PermissionAction,
  obj: ObjectRef,
  what: string,
  audit?: { action: string; name: string; assetId?: string | null },
) {
  try {
    await authorize(ctx.db, ctx.actor, action, obj, what);
  } catch (err) {
    if (audit && err instanceof AppError && err.code === 'forbidden') {
      await recordAuditEvent(ctx.db, {
        tenantId: ctx.tenantId,
        actor: actorRef(ctx.actor),
        action: audit.action,
        resourceType: 'asset',
        resourceId: audit.assetId ?? null,
        resourceName: `${ctx.catalog.name}.${audit.name}`,
        result: 'denied',
        errorMessage: err.message,
        metadata: { via: 'iceberg-rest' },
        request: ctx.actor.request,
      }).catch(() => undefined);
    }
    throw err;
  }
}

const AUDITED: Partial<Record<PermissionAction, string>> = { update: 'asset.update', delete: 'asset.drop' };

/** An existing table (or view) the actor may `action`; anything else is the right 404. */
export async function locate(
  ctx: CatalogContext,
  r: AssetRef,
  kind: Kind,
  action: 'read' | 'list' | 'update' | 'delete',
  auditAction = AUDITED[action],
  found?: Awaited<ReturnType<typeof lookupIn>>,
) {
  const a = found ?? (await lookupIn(ctx, r, kind));
  if (!a.assetId || a.assetType !== kind) throw noSuch(kind, r);
  await authorizeAs(
    ctx,
    action,
    { tenantId: ctx.tenantId, catalogId: ctx.catalog.id, namespacePath: r.path, assetId: a.assetId, tags: a.tags },
    kind === 'table' ? 'Table' : 'View',
    auditAction ? { action: auditAction, name: display(r), assetId: a.assetId } : undefined,
  );
  if (!a.metadataLocation) {
    throw new IcebergError(
      404,
      kind === 'table' ? 'NoSuchTableException' : 'NoSuchViewException',
      `${kind === 'table' ? 'Table' : 'View'} ${display(r)} has no Iceberg metadata yet (it was registered in the console without a metadata location)`,
    );
  }
  return a as typeof a & { assetId: string; metadataLocation: string };
}

/** For creates: the name must be valid (lib/catalog/names.ts) and free on the branch, and the actor may create in the namespace. */
export async function checkCreate(ctx: CatalogContext, r: AssetRef, kind: Kind) {
  // Before anything is written under a location made from the name.
  const valid = identifierPart(kind === 'table' ? 'Table name' : 'View name').safeParse(r.name);
  if (!valid.success) throw badRequest(valid.error.issues[0]?.message ?? `Invalid ${kind} name`);
  const a = await lookupIn(ctx, r, kind, 'namespace');
  await authorizeAs(
    ctx,
    'create',
    { tenantId: ctx.tenantId, catalogId: ctx.catalog.id, namespacePath: r.path },
    'Namespace',
    { action: 'asset.create', name: display(r) },
  );
  if (a.assetId) {
    throw alreadyExists(
      a.assetType === kind
        ? `${kind === 'table' ? 'Table' : 'View'} already exists: ${display(r)}`
        : `A ${a.assetType} with the same name already exists: ${display(r)}`,
    );
  }
  return a;
}

/**
 * Where a new table or view lives unless the client says: under its namespace's `location`, else the catalog's.
 * Each name is percent-encoded as a path segment (spaces, "%", "#", "?" and non-ASCII letters would otherwise make
 * the location an invalid or different URI); plain names (letters, digits, "_", "-", ".") are unchanged.
 */
export function defaultLocation(storage: string, r: AssetRef, namespaceProperties: Record<string, string>): string {
  const nsLocation = namespaceProperties.location?.replace(/\/+$/, '');
  return nsLocation
    ? `${nsLocation}/${encodeURIComponent(r.name)}`
    : `${storage}/${r.path.map(encodeURIComponent).join('/')}/${encodeURIComponent(r.name)}`;
}

/**
 * The asset row's properties mirror the Iceberg properties so the console shows, diffs and merges them;
 * only what fits the console's limits is mirrored (the metadata file stays the truth).
 */
export function mirrorProperties(props: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(props)) {
    if (n >= 200) break;
    if (!k || k.length > 256 || v.length > 4096) continue;
    out[k] = v;
    n++;
  }
  return out;
}
