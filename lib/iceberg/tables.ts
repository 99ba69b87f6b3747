import { createHash, randomUUID } from 'node:crypto';
import { authorize } from '../authz';
import { createAsset, dropAsset, renameAsset, updateAsset } from '../catalog/assets';
import { AppError, toAppError } from '../errors';
import {
  assetRef,
  checkCreate,
  defaultLocation,
  display,
  locate,
  lookupIn,
  mirrorProperties,
  type AssetRef,
  type Kind,
} from './assets';
import {
  namespaceFromArray,
  parseName,
  parseNamespace,
  pickBranch,
  requireLocalCatalog,
  type CatalogContext,
} from './context';
import { alreadyExists, badRequest, IcebergError, noSuchNamespace, noSuchTable, noSuchView } from './errors';
import { fileIOFor, metadataDir, metadataFileName, metadataVersion, type Storage } from '../storage/fileio';
import { commitIcebergMetadata, commitIcebergTransaction } from './mutations';
import { json, mutate, noContent, parseBody, rawJson, readRaw } from './http';
import { newTableMetadata, stripSlash } from './metadata';
import { listNamespaceAssets, type PageRequest } from './queries/objects';
import { claimMetadataLocation } from '../catalog/metadata-files';
import {
  commitTableRequest,
  commitTransactionRequest,
  createTableRequest,
  registerTableRequest,
  renameRequest,
  shorthandUpdateRequest,
  type CommitTableRequest,
  type TableMetadata,
  type TableUpdate,
} from './spec';
import { preparePurge } from './maintenance';
import { discardMetadata, readTableMetadata, writeMetadata } from './store';
import { applyUpdates, checkRequirements, describeUpdates } from './updates';

const loadResult = (location: string | null, metadata: TableMetadata) => ({
  ...(location ? { 'metadata-location': location } : {}),
  metadata,
  config: {},
});

/**
 * Deletes a metadata file this request wrote when the commit was refused for a known reason. When the outcome
 * is unknown (database unreachable, unexpected error) the file stays: the commit may have landed.
 */
export async function cleanupAfter(err: unknown, location: string, storage: Storage) {
  const app = toAppError(err);
  const known = err instanceof IcebergError || (app && app.code !== 'unavailable' && app.code !== 'internal');
  if (known) await discardMetadata(location, storage);
}

export async function listTables(ctx: CatalogContext, namespaceRaw: string, page: PageRequest, kind: Kind = 'table') {
  const ns = parseNamespace(namespaceRaw);
  const r: AssetRef = { path: ns.path, name: '', branch: pickBranch(ns.branch) };
  const a = await lookupIn(ctx, r, kind, 'namespace');
  const listed = await listNamespaceAssets(ctx.db, ctx.actor, ctx.tenantId, a.branchId, a.namespaceId, kind, page);
  // Names on a branch other than main carry it, so the identifiers can be used as they are; so does a name that
  // contains "@" (on main too), since its last "@" would otherwise be read as the branch.
  const suffix = (name: string) => (ns.branch || name.includes('@') ? `@${r.branch}` : '');
  return json({
    identifiers: listed.rows.map((row) => ({ namespace: ns.path, name: `${row.name}${suffix(row.name)}` })),
    'next-page-token': listed.nextPageToken,
  });
}

export async function loadTable(
  ctx: CatalogContext,
  namespaceRaw: string,
  nameRaw: string,
  opts: { snapshots?: string | null; ifNoneMatch?: string | null },
) {
  const r = assetRef(namespaceRaw, nameRaw);
  const a = await locate(ctx, r, 'table', 'read');
  const mode = opts.snapshots ?? 'all';
  if (mode !== 'all' && mode !== 'refs') throw badRequest('snapshots must be "all" or "refs"');
  const etag = `W/"${createHash('sha1').update(`${a.metadataLocation}|${mode}`).digest('hex').slice(0, 32)}"`;
  if (
    opts.ifNoneMatch &&
    opts.ifNoneMatch
      .split(',')
      .map((s) => s.trim())
      .includes(etag)
  ) {
    return new Response(null, { status: 304, headers: { ETag: etag } });
  }
  const { text, metadata } = await readTableMetadata(a.metadataLocation, ctx.storage);
  if (mode === 'refs') {
    const referenced = new Set(Object.values(metadata.refs).map((ref) => String(ref['snapshot-id'])));
    return json(
      loadResult(a.metadataLocation, {
        ...metadata,
        snapshots: metadata.snapshots.filter((s) => referenced.has(String(s['snapshot-id']))),
      }),
      200,
      { ETag: etag },
    );
  }
  // The file's own text is the metadata: splice it in rather than serialising it again.
  return rawJson(`{"metadata-location":${JSON.stringify(a.metadataLocation)},"metadata":${text},"config":{}}`, {
    ETag: etag,
  });
}

export async function tableExists(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, kind: Kind = 'table') {
  const r = assetRef(namespaceRaw, nameRaw);
  const a = await lookupIn(ctx, r, kind);
  if (!a.assetId || a.assetType !== kind) throw kind === 'table' ? noSuchTable(display(r)) : noSuchView(display(r));
  await authorize(
    ctx.db,
    ctx.actor,
    'list',
    { tenantId: ctx.tenantId, catalogId: ctx.catalog.id, namespacePath: r.path, assetId: a.assetId, tags: a.tags },
    kind === 'table' ? 'Table' : 'View',
  );
  return noContent();
}

export async function createTable(ctx: CatalogContext, namespaceRaw: string, raw: unknown) {
  const req = parseBody(raw, createTableRequest);
  const ns = parseNamespace(namespaceRaw);
  const n = parseName(req.name);
  const r: AssetRef = { path: ns.path, name: n.name, branch: pickBranch(n.branch, ns.branch) };
  const storage = requireLocalCatalog(ctx);
  const a = await checkCreate(ctx, r, 'table');
  const location = stripSlash(req.location ?? defaultLocation(storage, r, a.namespaceProperties));
  const metadata = newTableMetadata(req, { location, uuid: randomUUID(), now: Date.now() });
  if (req['stage-create']) return json(loadResult(null, metadata));
  const metadataLocation = `${metadataDir(location, metadata.properties)}/${metadataFileName(0, randomUUID())}`;
  await writeMetadata(metadataLocation, ctx.storage, metadata);
  try {
    await mutate(createAsset, ctx.actor, {
      catalog: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      assetType: 'table',
      metadataLocation,
      schemaId: metadata['current-schema-id'],
      properties: mirrorProperties(metadata.properties),
      message: `Create table ${display(r)} (Iceberg REST)`,
    });
  } catch (err) {
    await cleanupAfter(err, metadataLocation, ctx.storage);
    throw err;
  }
  return json(loadResult(metadataLocation, metadata));
}

/** iceberg-js's updateTable shorthand ({ properties, schema, partition-spec }) as spec updates. */
function toCommitRequest(raw: unknown): CommitTableRequest {
  if (raw && typeof raw === 'object' && ('updates' in raw || 'requirements' in raw))
    return parseBody(raw, commitTableRequest);
  const short = parseBody(raw, shorthandUpdateRequest);
  const updates: TableUpdate[] = [];
  if (short.schema)
    updates.push({ action: 'add-schema', schema: short.schema }, { action: 'set-current-schema', 'schema-id': -1 });
  if (short['partition-spec'])
    updates.push({ action: 'add-spec', spec: short['partition-spec'] }, { action: 'set-default-spec', 'spec-id': -1 });
  if (short.properties) updates.push({ action: 'set-properties', updates: short.properties });
  if (!updates.length) throw badRequest('Malformed request: a commit needs requirements and updates');
  return { requirements: [], updates };
}

/**
 * Commit: check the requirements against the current metadata, apply the updates, write the next metadata
 * file, then swap the pointer with compare-and-set as a commit on the branch. A stale requirement or a lost
 * race is 409 CommitFailedException; the client refreshes and retries.
 */
export async function commitTable(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, raw: unknown) {
  const req = toCommitRequest(raw);
  const r = assetRef(namespaceRaw, nameRaw);
  const creating = req.requirements.some((x) => x.type === 'assert-create');
  const found = await lookupIn(ctx, r, 'table', creating ? 'namespace' : 'asset');
  if (!found.assetId && creating) return createByCommit(ctx, r, req, found.namespaceProperties);
  const a = await locate(ctx, r, 'table', 'update', 'asset.commit', found);
  const { metadata: base } = await readTableMetadata(a.metadataLocation, ctx.storage);
  checkRequirements(base, req.requirements);
  if (!req.updates.length) return json({ 'metadata-location': a.metadataLocation, metadata: base });
  const next = applyUpdates(base, a.metadataLocation, req.updates, { now: Date.now() });
  const version = Math.max(metadataVersion(a.metadataLocation), base['metadata-log'].length) + 1;
  const metadataLocation = `${metadataDir(next.location, next.properties)}/${metadataFileName(version, randomUUID())}`;
  await writeMetadata(metadataLocation, ctx.storage, next);
  try {
    await mutate(commitIcebergMetadata, ctx.actor, {
      catalogId: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      assetType: 'table',
      metadataLocation,
      expectedMetadataLocation: a.metadataLocation,
      schemaId: next['current-schema-id'],
      properties: mirrorProperties(next.properties),
      message: `Iceberg commit on ${display(r)}: ${describeUpdates(req.updates)}`.slice(0, 2000),
    });
  } catch (err) {
    await cleanupAfter(err, metadataLocation, ctx.storage);
    throw err;
  }
  return json({ 'metadata-location': metadataLocation, metadata: next });
}

/**
 * POST /transactions/commit: every table's requirements are checked and its next metadata file written, then
 * all pointers move in one database transaction (one commit per branch) — or none does.
 */
export async function commitTransaction(ctx: CatalogContext, raw: unknown) {
  const req = parseBody(raw, commitTransactionRequest);
  const seen = new Set<string>();
  const written: string[] = [];
  const changes: {
    branch: string;
    namespace: string[];
    name: string;
    expectedMetadataLocation: string;
    metadataLocation: string;
    schemaId: number;
    properties: Record<string, string>;
  }[] = [];
  try {
    for (const change of req['table-changes']) {
      const ns = namespaceFromArray(change.identifier.namespace);
      const n = parseName(change.identifier.name);
      const r: AssetRef = { path: ns.path, name: n.name, branch: pickBranch(n.branch, ns.branch) };
      if (seen.has(display(r))) throw badRequest(`Table ${display(r)} appears more than once in the transaction`);
      seen.add(display(r));
      if (change.requirements.some((x) => x.type === 'assert-create'))
        throw badRequest(`Create ${display(r)} before committing a transaction on it`);
      const a = await locate(ctx, r, 'table', 'update', 'asset.commit_transaction');
      const { metadata: base } = await readTableMetadata(a.metadataLocation, ctx.storage);
      checkRequirements(base, change.requirements);
      if (!change.updates.length) continue;
      const next = applyUpdates(base, a.metadataLocation, change.updates, { now: Date.now() });
      const version = Math.max(metadataVersion(a.metadataLocation), base['metadata-log'].length) + 1;
      const metadataLocation = `${metadataDir(next.location, next.properties)}/${metadataFileName(version, randomUUID())}`;
      await writeMetadata(metadataLocation, ctx.storage, next);
      written.push(metadataLocation);
      changes.push({
        branch: r.branch,
        namespace: r.path,
        name: r.name,
        expectedMetadataLocation: a.metadataLocation,
        metadataLocation,
        schemaId: next['current-schema-id'],
        properties: mirrorProperties(next.properties),
      });
    }
    if (changes.length) {
      await mutate(commitIcebergTransaction, ctx.actor, {
        catalogId: ctx.catalog.id,
        changes,
        message:
          `Iceberg transaction on ${changes.map((c) => display({ path: c.namespace, name: c.name, branch: c.branch })).join(', ')}`.slice(
            0,
            2000,
          ),
      });
    }
  } catch (err) {
    for (const f of written) await cleanupAfter(err, f, ctx.storage);
    throw err;
  }
  return noContent();
}

/** The second half of a staged create (stage-create, then a commit with assert-create). */
async function createByCommit(
  ctx: CatalogContext,
  r: AssetRef,
  req: CommitTableRequest,
  namespaceProperties: Record<string, string>,
) {
  const storage = requireLocalCatalog(ctx);
  await checkCreate(ctx, r, 'table');
  checkRequirements(null, req.requirements);
  const metadata = applyUpdates(null, null, req.updates, {
    now: Date.now(),
    defaultLocation: defaultLocation(storage, r, namespaceProperties),
  });
  const metadataLocation = `${metadataDir(metadata.location, metadata.properties)}/${metadataFileName(0, randomUUID())}`;
  await writeMetadata(metadataLocation, ctx.storage, metadata);
  try {
    await mutate(createAsset, ctx.actor, {
      catalog: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      assetType: 'table',
      metadataLocation,
      schemaId: metadata['current-schema-id'],
      properties: mirrorProperties(metadata.properties),
      message: `Create table ${display(r)} (Iceberg REST transaction)`,
    });
  } catch (err) {
    await cleanupAfter(err, metadataLocation, ctx.storage);
    throw err;
  }
  return json({ 'metadata-location': metadataLocation, metadata });
}

/**
 * Drop; with purge, a background job (maintenance.ts) then deletes the files this branch's table reached — metadata
 * files, manifest lists, manifests, data and delete files — except those another branch, a tagged commit or another
 * table still reaches.
 */
export async function dropTable(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, purge: boolean) {
  const r = assetRef(namespaceRaw, nameRaw);
  const a = await locate(ctx, r, 'table', 'delete');
  if (purge) {
    // Read first: a location the catalog cannot read (outside its storage, store unreachable) fails before anything is dropped.
    await readTableMetadata(a.metadataLocation, ctx.storage);
    await preparePurge();
  }
  // With purge, the run and its job are recorded in the drop's transaction (lib/iceberg/maintenance.ts).
  await mutate(dropAsset, ctx.actor, {
    catalog: ctx.catalog.id,
    branch: r.branch,
    namespace: r.path,
    name: r.name,
    message: `Drop table ${display(r)}${purge ? ' (purge)' : ''} (Iceberg REST)`,
    ...(purge ? { purge: true } : {}),
  });
  return noContent();
}

/** Rename within a branch (source and destination may name it with @branch; they must agree). */
export async function renameTable(ctx: CatalogContext, raw: unknown, kind: Kind = 'table') {
  const req = parseBody(raw, renameRequest);
  const src = namespaceFromArray(req.source.namespace);
  const dst = namespaceFromArray(req.destination.namespace);
  const srcName = parseName(req.source.name);
  const dstName = parseName(req.destination.name);
  const branch = pickBranch(srcName.branch, src.branch, dstName.branch, dst.branch);
  const from: AssetRef = { path: src.path, name: srcName.name, branch };
  const to: AssetRef = { path: dst.path, name: dstName.name, branch };
  await locate(ctx, from, kind, 'update', 'asset.rename').catch((e) => {
    if (e instanceof IcebergError && e.type === 'NoSuchNamespaceException')
      throw kind === 'table' ? noSuchTable(display(from)) : noSuchView(display(from));
    if (e instanceof IcebergError && /no Iceberg metadata/.test(e.message)) return;
    throw e;
  });
  const target = await lookupIn(ctx, to, kind, 'namespace').catch((e) => {
    if (e instanceof IcebergError && e.type === 'NoSuchNamespaceException') throw noSuchNamespace(to.path);
    throw e;
  });
  if (target.assetId)
    throw alreadyExists(`${target.assetType === 'view' ? 'View' : 'Table'} already exists: ${display(to)}`);
  const sameNamespace = from.path.join('\u001f') === to.path.join('\u001f');
  await mutate(renameAsset, ctx.actor, {
    catalog: ctx.catalog.id,
    branch,
    namespace: from.path,
    name: from.name,
    ...(sameNamespace ? {} : { newNamespace: to.path }),
    newName: to.name,
    message: `Rename ${kind} ${display(from)} to ${display(to)} (Iceberg REST)`,
  });
  return noContent();
}

/** Register an existing metadata file as a table (or, with overwrite, repoint an existing one). */
export async function registerTable(ctx: CatalogContext, namespaceRaw: string, raw: unknown) {
  const req = parseBody(raw, registerTableRequest);
  const ns = parseNamespace(namespaceRaw);
  const n = parseName(req.name);
  const r: AssetRef = { path: ns.path, name: n.name, branch: pickBranch(n.branch, ns.branch) };
  const location = req['metadata-location'];
  const existing = await lookupIn(ctx, r, 'table', 'namespace');
  if (existing.assetId) {
    if (!req.overwrite || existing.assetType !== 'table')
      throw alreadyExists(`${existing.assetType === 'view' ? 'View' : 'Table'} already exists: ${display(r)}`);
    await locate(ctx, r, 'table', 'update').catch((e) => {
      if (!(e instanceof IcebergError && /no Iceberg metadata/.test(e.message))) throw e;
    });
  } else {
    await checkCreate(ctx, r, 'table');
  }
  // Before any read: a location outside the catalog's storage is 403 (whether or not a file is there), and a
  // file another table uses is not taken over by someone who may not read that table.
  (await fileIOFor(location, ctx.storage)).check(location);
  await claimMetadataLocation(ctx.db, ctx.actor, {
    tenantId: ctx.tenantId,
    catalogId: ctx.catalog.id,
    assetId: existing.assetId,
    location,
  }).catch((e) => {
    throw e instanceof AppError && e.code === 'forbidden' ? new IcebergError(403, 'ForbiddenException', e.message) : e;
  });
  let metadata: TableMetadata;
  try {
    metadata = (await readTableMetadata(location, ctx.storage)).metadata;
  } catch (err) {
    if (err instanceof IcebergError && err.status === 404)
      throw badRequest(`Cannot register ${display(r)}: ${err.message}`);
    throw err;
  }
  if (existing.assetId) {
    await mutate(updateAsset, ctx.actor, {
      catalog: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      metadataLocation: location,
      expectedMetadataLocation: existing.metadataLocation,
      schemaId: metadata['current-schema-id'],
      properties: mirrorProperties(metadata.properties),
      message: `Register ${display(r)} at ${location} (overwrite, Iceberg REST)`.slice(0, 2000),
    });
  } else {
    await mutate(createAsset, ctx.actor, {
      catalog: ctx.catalog.id,
      branch: r.branch,
      namespace: r.path,
      name: r.name,
      assetType: 'table',
      metadataLocation: location,
      schemaId: metadata['current-schema-id'],
      properties: mirrorProperties(metadata.properties),
      message: `Register table ${display(r)} (Iceberg REST)`,
    });
  }
  return json(loadResult(location, metadata));
}

/** Scan and commit reports: accepted (the spec lets servers ignore them). */
export async function reportMetrics(ctx: CatalogContext, namespaceRaw: string, nameRaw: string, req: Request) {
  await locate(ctx, assetRef(namespaceRaw, nameRaw), 'table', 'read');
  await readRaw(req);
  return noContent();
}
