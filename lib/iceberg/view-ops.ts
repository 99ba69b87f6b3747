import { randomUUID } from 'node:crypto';
import { createAsset, dropAsset } from '../catalog/assets';
import { assetRef, checkCreate, defaultLocation, display, locate, mirrorProperties, type AssetRef } from './assets';
import { parseName, parseNamespace, pickBranch, requireLocalCatalog, type CatalogContext } from './context';
import { metadataDir, metadataFileName, metadataVersion } from '../storage/fileio';
import { json, mutate, noContent, parseBody } from './http';
import { commitIcebergMetadata } from './mutations';
import { stripSlash } from './metadata';
import { commitViewRequest, createViewRequest, type ViewMetadata } from './spec';
import { readViewMetadata, writeMetadata } from './store';
import { cleanupAfter } from './tables';
import { applyViewUpdates, checkViewRequirements, newViewMetadata } from './views';

const loadViewResult = (location: string, metadata: ViewMetadata) => ({
  'metadata-location': location,
  metadata,
  config: {},
});

/** Views are assets of type "view": the same commits, pointers, grants and audit rows as tables. */
export async function createView(ctx: CatalogContext, namespaceRaw: string, raw: unknown) {
  const req = parseBody(raw, createViewRequest);
  const ns = parseNamespace(namespaceRaw);
  const n = parseName(req.name);
  const r: AssetRef = { path: ns.path, name: n.name, branch: pickBranch(n.branch, ns.branch) };
  const storage = requireLocalCatalog(ctx);
  const a = await checkCreate(ctx, r, 'view');
  const location = stripSlash(req.location ?? defaultLocation(storage, r, a.namespaceProperties));
  const metadata = newViewMetadata(req, { location, uuid: randomUUID() });
  const metadataLocation = `${metadataDir(location, metadata.properties)}/${metadataFileName(0, randomUUID())}`;
  await writeMetadata(metadataLocation, ctx.storage, metadata);
  try {
    await mutate(createAsset, ctx.actor, {
      catalog: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      assetType: 'view',
      metadataLocation,
      schemaId: 0,
      properties: mirrorProperties(metadata.properties),
      message: `Create view ${display(r)} (Iceberg REST)`,
    });
  } catch (err) {
    await cleanupAfter(err, metadataLocation, ctx.storage);
    throw err;
  }
  return json(loadViewResult(metadataLocation, metadata));
}

export async function loadView(ctx: CatalogContext, namespaceRaw: string, nameRaw: string) {
  const a = await locate(ctx, assetRef(namespaceRaw, nameRaw), 'view', 'read');
  return json(loadViewResult(a.metadataLocation, await readViewMetadata(a.metadataLocation, ctx.storage)));
}

/** Replace view: requirements, updates, next metadata file, compare-and-set of the pointer. */
export async function replaceView(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, raw: unknown) {
  const req = parseBody(raw, commitViewRequest);
  const r = assetRef(namespaceRaw, nameRaw);
  const a = await locate(ctx, r, 'view', 'update', 'asset.commit');
  const base = await readViewMetadata(a.metadataLocation, ctx.storage);
  checkViewRequirements(base, req.requirements);
  const next = applyViewUpdates(base, req.updates, Date.now());
  const metadataLocation = `${metadataDir(next.location, next.properties)}/${metadataFileName(Math.max(metadataVersion(a.metadataLocation), 0) + 1, randomUUID())}`;
  await writeMetadata(metadataLocation, ctx.storage, next);
  try {
    await mutate(commitIcebergMetadata, ctx.actor, {
      catalogId: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      assetType: 'view',
      metadataLocation,
      expectedMetadataLocation: a.metadataLocation,
      schemaId: next.versions.find((v) => v['version-id'] === next['current-version-id'])?.['schema-id'] ?? 0,
      properties: mirrorProperties(next.properties),
      message: `Replace view ${display(r)} (Iceberg REST)`,
    });
  } catch (err) {
    await cleanupAfter(err, metadataLocation, ctx.storage);
    throw err;
  }
  return json(loadViewResult(metadataLocation, next));
}

export async function dropView(ctx: CatalogContext, namespaceRaw: string, nameRaw: string) {
  const r = assetRef(namespaceRaw, nameRaw);
  await locate(ctx, r, 'view', 'delete');
  await mutate(dropAsset, ctx.actor, {
    catalog: ctx.catalog.id,
    branch: r.branch,
    namespace: r.path,
    name: r.name,
    message: `Drop view ${display(r)} (Iceberg REST)`,
  });
  return noContent();
}
