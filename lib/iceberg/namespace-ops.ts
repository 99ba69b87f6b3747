import { createNamespace, deleteNamespace, updateNamespaceProperties } from '../catalog/namespaces';
import { findNamespace } from '../catalog/lookup';
import { parseNamespace, type CatalogContext } from './context';
import { IcebergError } from './errors';
import { json, mutate, noContent, parseBody } from './http';
import { authorizeNamespace, listChildNamespaces, type PageRequest } from './queries/objects';
import { createNamespaceRequest, updateNamespacePropertiesRequest } from './spec';

/** Namespaces belong to the catalog, not to a branch: a `@branch` on a namespace only matters for its tables. */
const pathOf = (raw: string) => parseNamespace(raw).path;

export async function listNamespaces(ctx: CatalogContext, parentRaw: string | null, page: PageRequest) {
  let parentId: string | null = null;
  if (parentRaw) {
    const parent = await findNamespace(ctx.db, ctx.tenantId, ctx.catalog.id, pathOf(parentRaw));
    parentId = parent.id;
  }
  const listed = await listChildNamespaces(ctx.db, ctx.actor, ctx.tenantId, ctx.catalog.id, parentId, page);
  return json({ namespaces: listed.rows.map((r) => r.path), 'next-page-token': listed.nextPageToken });
}

export async function createNamespaceOp(ctx: CatalogContext, raw: unknown) {
  const req = parseBody(raw, createNamespaceRequest);
  const properties = req.properties ?? {};
  await mutate(createNamespace, ctx.actor, { catalog: ctx.catalog.id, namespace: req.namespace, properties });
  return json({ namespace: req.namespace, properties });
}

export async function loadNamespace(ctx: CatalogContext, namespaceRaw: string) {
  const path = pathOf(namespaceRaw);
  const ns = await findNamespace(ctx.db, ctx.tenantId, ctx.catalog.id, path);
  await authorizeNamespace(ctx.db, ctx.actor, 'read', ctx.tenantId, ctx.catalog.id, path);
  return json({ namespace: ns.path, properties: ns.properties });
}

export async function namespaceExists(ctx: CatalogContext, namespaceRaw: string) {
  const path = pathOf(namespaceRaw);
  await findNamespace(ctx.db, ctx.tenantId, ctx.catalog.id, path);
  await authorizeNamespace(ctx.db, ctx.actor, 'list', ctx.tenantId, ctx.catalog.id, path);
  return noContent();
}

export async function dropNamespace(ctx: CatalogContext, namespaceRaw: string) {
  await mutate(deleteNamespace, ctx.actor, { catalog: ctx.catalog.id, namespace: pathOf(namespaceRaw) });
  return noContent();
}

export async function updateNamespacePropertiesOp(ctx: CatalogContext, namespaceRaw: string, raw: unknown) {
  const req = parseBody(raw, updateNamespacePropertiesRequest);
  const both = req.removals.filter((k) => k in req.updates);
  if (both.length)
    throw new IcebergError(
      422,
      'UnprocessableEntityException',
      `A property key was included in both removals and updates: ${both.join(', ')}`,
    );
  const out = await mutate(updateNamespaceProperties, ctx.actor, {
    catalog: ctx.catalog.id,
    namespace: pathOf(namespaceRaw),
    updates: req.updates,
    removals: req.removals,
  });
  return json(out);
}
