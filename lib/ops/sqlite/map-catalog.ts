// Namespaces, assets and their history, branches, tags and business metadata.
//
// The reference keeps a copy of every asset row per branch and commits that belong to no catalog. Ours: each
// catalog gets a root commit and ONE import commit on `main` creating every main-branch asset; every other
// branch is created from that commit with one commit of its own holding what differs on it (the same
// catalog, namespace and name on two branches is the same asset identity).
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { CommitOperation, Properties } from '@/db/schema';
import { pathKey, type CatalogInfo, type PlanContext } from './plan';
import type { Row } from './reader';
import { bool, namespacePath, parseJson, properties, snake, text, toDate, uuidOrNull } from './values';

const AUTHOR = 'import:sqlite';
const SUMMARY_LIMIT = 100;

/** Our namespace for a path, creating missing levels (parents first). The last level takes `own` when given. */
function ensureNamespace(
  ctx: PlanContext,
  catalog: CatalogInfo,
  nsPath: string[],
  why: string,
  own?: { ref: string; properties: Properties },
): string {
  let parentId: string | null = null;
  for (let depth = 1; depth <= nsPath.length; depth++) {
    const prefix = nsPath.slice(0, depth);
    const key = pathKey(catalog.id, prefix);
    let id = ctx.namespaces.get(key);
    if (!id) {
      const isOwn = own && depth === nsPath.length;
      id = isOwn ? (uuidOrNull(own.ref) ?? uuidv7()) : uuidv7();
      if (!isOwn) ctx.note('namespaces', `${catalog.name}.${prefix.join('.')}`, `created: ${why}`);
      ctx.namespaces.set(key, id);
      ctx.rows.namespaces.push({
        tenantId: catalog.tenantId,
        id,
        catalogId: catalog.id,
        parentId,
        path: prefix,
        name: prefix[prefix.length - 1],
        properties: isOwn ? own.properties : {},
      });
    }
    parentId = id;
  }
  return parentId!;
}

export function planNamespaces(ctx: PlanContext, rows: Row[]) {
  const parsed = rows.map((r) => ({ r, path: namespacePath(r.namespace_path) }));
  // Parents before children, so a parent row keeps its own id and properties.
  parsed.sort((a, b) => (a.path.ok ? a.path.value.length : 0) - (b.path.ok ? b.path.value.length : 0));
  for (const { r, path: nsPath } of parsed) {
    const ref = text(r.id) ?? `${r.catalog_name}.${r.namespace_path}`;
    if (!ctx.tenantOf('namespaces', ref, r.tenant_id)) continue;
    const catalog = ctx.catalogOf('namespaces', ref, r.tenant_id, r.catalog_name);
    if (!catalog) continue;
    if (!nsPath.ok) {
      ctx.skip('namespaces', ref, nsPath.error);
      continue;
    }
    if (ctx.namespaces.has(pathKey(catalog.id, nsPath.value))) {
      ctx.skip('namespaces', ref, `namespace ${nsPath.value.join('.')} appears twice in catalog "${catalog.name}"`);
      continue;
    }
    const props = properties(r.properties);
    if (!props.ok) ctx.note('namespaces', ref, `${props.error}: imported without properties`);
    ensureNamespace(ctx, catalog, nsPath.value, `parent of namespace ${nsPath.value.join('.')}, missing in the file`, {
      ref,
      properties: props.ok ? props.value : {},
    });
  }
}

type State = {
  namespaceId: string;
  name: string;
  assetType: 'table' | 'view';
  metadataLocation: string | null;
  properties: Properties;
};
type Entry = State & { ref: string; identityKey: string; branch: string };

const UNSUPPORTED = new Set(['delta_table', 'hudi_table', 'parquet_table', 'csv_table', 'json_table', 'ml_model']);

function assetTypeOf(v: unknown): 'table' | 'view' | string {
  const s = snake(String(v ?? ''));
  if (['iceberg_table', 'table', 'iceberg'].includes(s)) return 'table';
  if (['view', 'iceberg_view'].includes(s)) return 'view';
  return UNSUPPORTED.has(s)
    ? `asset type ${v} is not supported by the console (Iceberg tables and views only)`
    : `unknown asset type "${v ?? ''}"`;
}

const sameState = (a: State, b: State) =>
  a.namespaceId === b.namespaceId &&
  a.name === b.name &&
  a.assetType === b.assetType &&
  a.metadataLocation === b.metadataLocation &&
  JSON.stringify(Object.entries(a.properties).sort()) === JSON.stringify(Object.entries(b.properties).sort());

type RefBranch = { name: string; type: 'ingest' | 'experimental'; partial: boolean; ref: string };

function referenceBranches(ctx: PlanContext, rows: Row[]) {
  const byCatalog = new Map<string, Map<string, RefBranch>>();
  for (const r of rows) {
    const ref = `${r.tenant_id}/${r.catalog_name}/${r.name}`;
    if (!ctx.tenantOf('branches', ref, r.tenant_id)) continue;
    const catalog = ctx.catalogOf('branches', ref, r.tenant_id, r.catalog_name);
    if (!catalog) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('branches', ref, 'the branch has no name');
      continue;
    }
    if (name === 'main') continue; // every catalog gets its main branch anyway
    const rawType = snake(String(r.branch_type ?? ''));
    const type = rawType === 'ingest' || rawType === 'experimental' ? rawType : 'experimental';
    if (type !== rawType)
      ctx.note(
        'branches',
        ref,
        `unknown branch type "${r.branch_type ?? ''}": imported as experimental (cannot be merged back)`,
      );
    const listed = parseJson(r.assets);
    const partial = listed.ok && Array.isArray(listed.value) && listed.value.length > 0;
    const map = byCatalog.get(catalog.id) ?? new Map<string, RefBranch>();
    map.set(name, { name, type, partial, ref });
    byCatalog.set(catalog.id, map);
  }
  return byCatalog;
}

/** Asset rows of every branch → identities, the import commit on main, one commit per other branch, head rows. */
export function planAssets(ctx: PlanContext, assetRows: Row[], branchRows: Row[], file: string) {
  const refBranches = referenceBranches(ctx, branchRows);
  const perCatalog = new Map<string, { catalog: CatalogInfo; entries: Entry[] }>();
  const seen = new Set<string>();
  for (const r of assetRows) {
    const ref = text(r.id) ?? `${r.catalog_name}/${r.namespace_path}/${r.name}`;
    if (!ctx.tenantOf('assets', ref, r.tenant_id)) continue;
    const catalog = ctx.catalogOf('assets', ref, r.tenant_id, r.catalog_name);
    if (!catalog) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('assets', ref, 'the asset has no name');
      continue;
    }
    const type = assetTypeOf(r.asset_type);
    if (type !== 'table' && type !== 'view') {
      ctx.skip('assets', ref, type);
      continue;
    }
    const nsPath = namespacePath(r.namespace_path);
    if (!nsPath.ok) {
      ctx.skip('assets', ref, nsPath.error);
      continue;
    }
    const branch = text(r.branch_name)?.trim() ?? 'main';
    if (branch !== 'main' && !refBranches.get(catalog.id)?.has(branch)) {
      ctx.skip('assets', ref, `its branch "${branch}" does not exist in catalog "${catalog.name}" (an orphan row)`);
      continue;
    }
    const identityKey = `${pathKey(catalog.id, nsPath.value)}\u0000${name}`;
    if (seen.has(`${identityKey}\u0000${branch}`)) {
      ctx.skip('assets', ref, `${nsPath.value.join('.')}.${name} appears twice on branch "${branch}"`);
      continue;
    }
    seen.add(`${identityKey}\u0000${branch}`);
    const props = properties(r.properties);
    if (!props.ok) ctx.note('assets', ref, `${props.error}: imported without properties`);
    const namespaceId = ensureNamespace(ctx, catalog, nsPath.value, `namespace of asset ${name}, missing in the file`);
    const metadataLocation = text(r.metadata_location) ?? (props.ok ? (props.value.metadata_location ?? null) : null);
    const group = perCatalog.get(catalog.id) ?? { catalog, entries: [] };
    group.entries.push({
      ref,
      identityKey,
      branch,
      namespaceId,
      name,
      assetType: type,
      metadataLocation,
      properties: props.ok ? props.value : {},
    });
    perCatalog.set(catalog.id, group);
  }

  for (const catalog of ctx.rows.catalogs) {
    const info = [...ctx.catalogs.values()].find((c) => c.id === catalog.id)!;
    planCatalogHistory(
      ctx,
      info,
      perCatalog.get(catalog.id!)?.entries ?? [],
      refBranches.get(catalog.id!) ?? new Map(),
      file,
    );
  }
}

function planCatalogHistory(
  ctx: PlanContext,
  catalog: CatalogInfo,
  entries: Entry[],
  refBranches: Map<string, RefBranch>,
  file: string,
) {
  const { tenantId } = catalog;
  const rootId = uuidv7();
  ctx.rows.commits.push({
    tenantId,
    id: rootId,
    catalogId: catalog.id,
    branchName: 'main',
    parentId: null,
    depth: 0,
    authorName: AUTHOR,
    message: 'Initialize catalog',
    operations: [],
    changeCount: 0,
  });

  // One identity per (namespace path, name); its id is the main row's reference id when there is one.
  const identities = new Map<string, { id: string; assetType: 'table' | 'view' }>();
  const ordered = [...entries].sort(
    (a, b) => Number(b.branch === 'main') - Number(a.branch === 'main') || a.branch.localeCompare(b.branch),
  );
  for (const e of ordered) {
    if (!identities.has(e.identityKey)) {
      const id = uuidOrNull(e.ref) ?? uuidv7();
      identities.set(e.identityKey, { id, assetType: e.assetType });
      ctx.rows.assetIdentities.push({ tenantId, id, catalogId: catalog.id, assetType: e.assetType });
    }
    const identity = identities.get(e.identityKey)!;
    ctx.assetRefs.set(e.ref, {
      identityId: identity.id,
      catalogId: catalog.id,
      tenantId,
      namespaceId: e.namespaceId,
      name: e.name,
    });
  }

  const main = entries.filter((e) => e.branch === 'main');
  const mainState = new Map(main.map((e) => [identities.get(e.identityKey)!.id, e as State]));
  let importId = rootId;
  if (main.length) {
    importId = uuidv7();
    addCommit(
      ctx,
      catalog,
      {
        id: importId,
        parentId: rootId,
        depth: 1,
        branch: 'main',
        message: `Import from the reference SQLite database ${path.basename(file)}: ${main.length} tables and views`,
      },
      [...mainState].map(([assetId, state]) => ({ assetId, op: 'create' as const, state, dropped: false })),
    );
  }
  const mainBranchId = uuidv7();
  ctx.rows.branches.push({
    tenantId,
    id: mainBranchId,
    catalogId: catalog.id,
    name: 'main',
    headCommitId: importId,
    branchType: 'main',
    createdFromCommitId: rootId,
  });
  ctx.branches.set(`${catalog.id}\u0000main`, {
    id: mainBranchId,
    tenantId,
    catalogId: catalog.id,
    name: 'main',
    headCommitId: importId,
  });
  for (const [assetId, state] of mainState) addHeadRow(ctx, catalog, mainBranchId, assetId, state, importId);

  for (const b of [...refBranches.values()].sort((x, y) => x.name.localeCompare(y.name))) {
    const rows = entries.filter((e) => e.branch === b.name);
    const state = new Map(rows.map((e) => [identities.get(e.identityKey)!.id, e as State]));
    const changes: Change[] = [];
    for (const [assetId, s] of state) {
      const before = mainState.get(assetId);
      if (!before) changes.push({ assetId, op: 'create', state: s, dropped: false });
      else if (!sameState(before, s))
        changes.push({ assetId, op: 'update', state: s, dropped: false, previousLocation: before.metadataLocation });
    }
    // A whole-catalog branch that lacks a main asset had it dropped; a partial branch simply never took it.
    if (!b.partial)
      for (const [assetId, s] of mainState)
        if (!state.has(assetId)) changes.push({ assetId, op: 'drop', state: s, dropped: true });
    const branchId = uuidv7();
    let head = importId;
    if (changes.length) {
      head = uuidv7();
      addCommit(
        ctx,
        catalog,
        {
          id: head,
          parentId: importId,
          depth: importId === rootId ? 1 : 2,
          branch: b.name,
          message: `Import branch ${b.name} from the reference SQLite database: ${changes.length} differences from main`,
        },
        changes,
      );
    }
    ctx.rows.branches.push({
      tenantId,
      id: branchId,
      catalogId: catalog.id,
      name: b.name,
      headCommitId: head,
      branchType: b.type,
      partialAssetIds: b.partial ? [...state.keys()] : null,
      createdFromCommitId: importId,
    });
    ctx.branches.set(`${catalog.id}\u0000${b.name}`, {
      id: branchId,
      tenantId,
      catalogId: catalog.id,
      name: b.name,
      headCommitId: head,
    });
    const changed = new Map(changes.map((c) => [c.assetId, c]));
    const visible = b.partial ? state : mainState;
    for (const [assetId, s] of visible) {
      const c = changed.get(assetId);
      if (c?.dropped) continue;
      addHeadRow(ctx, catalog, branchId, assetId, c ? c.state : s, c ? head : importId);
    }
    if (!b.partial)
      for (const c of changes) if (c.op === 'create') addHeadRow(ctx, catalog, branchId, c.assetId, c.state, head);
    for (const c of changes) {
      if (!c.dropped && c.state.metadataLocation) {
        ctx.rows.metadataLocations.push({
          tenantId,
          id: uuidv7(),
          assetId: c.assetId,
          branchId,
          commitId: head,
          location: c.state.metadataLocation,
          previousLocation: c.previousLocation ?? null,
        });
      }
    }
  }
  for (const [assetId, s] of mainState) {
    if (s.metadataLocation)
      ctx.rows.metadataLocations.push({
        tenantId,
        id: uuidv7(),
        assetId,
        branchId: mainBranchId,
        commitId: importId,
        location: s.metadataLocation,
      });
  }
}

type Change = {
  assetId: string;
  op: CommitOperation['op'];
  state: State;
  dropped: boolean;
  previousLocation?: string | null;
};

function addCommit(
  ctx: PlanContext,
  catalog: CatalogInfo,
  c: { id: string; parentId: string; depth: number; branch: string; message: string },
  changes: Change[],
) {
  ctx.rows.commits.push({
    tenantId: catalog.tenantId,
    id: c.id,
    catalogId: catalog.id,
    branchName: c.branch,
    parentId: c.parentId,
    depth: c.depth,
    authorName: AUTHOR,
    message: c.message,
    changeCount: changes.length,
    operations: changes.slice(0, SUMMARY_LIMIT).map((x) => ({ op: x.op, assetId: x.assetId, name: x.state.name })),
  });
  for (const x of changes) {
    ctx.rows.assetVersions.push({
      tenantId: catalog.tenantId,
      commitId: c.id,
      assetId: x.assetId,
      op: x.op,
      dropped: x.dropped,
      namespaceId: x.state.namespaceId,
      name: x.state.name,
      assetType: x.state.assetType,
      metadataLocation: x.state.metadataLocation,
      schemaId: null,
      properties: x.state.properties,
    });
  }
}

function addHeadRow(
  ctx: PlanContext,
  catalog: CatalogInfo,
  branchId: string,
  assetId: string,
  s: State,
  commitId: string,
) {
  ctx.rows.assets.push({
    tenantId: catalog.tenantId,
    branchId,
    assetId,
    catalogId: catalog.id,
    namespaceId: s.namespaceId,
    name: s.name,
    assetType: s.assetType,
    metadataLocation: s.metadataLocation,
    schemaId: null,
    properties: s.properties,
    lastCommitId: commitId,
  });
}

export function planCommits(ctx: PlanContext, rows: Row[]) {
  for (const r of rows) {
    ctx.skip(
      'commits',
      r.id,
      "the reference's commits belong to no catalog or branch and cannot be replayed: each catalog's history starts from one import commit holding its current state",
    );
  }
}

export function planTags(ctx: PlanContext, rows: Row[]) {
  const seen = new Set<string>();
  for (const r of rows) {
    const ref = `${r.tenant_id}/${r.catalog_name}/${r.name}`;
    if (!ctx.tenantOf('tags', ref, r.tenant_id)) continue;
    const catalog = ctx.catalogOf('tags', ref, r.tenant_id, r.catalog_name);
    if (!catalog) continue;
    const name = text(r.name)?.trim();
    if (!name) {
      ctx.skip('tags', ref, 'the tag has no name');
      continue;
    }
    if (seen.has(`${catalog.id}\u0000${name}`)) {
      ctx.skip('tags', ref, `tag "${name}" appears twice in catalog "${catalog.name}"`);
      continue;
    }
    seen.add(`${catalog.id}\u0000${name}`);
    const main = ctx.branches.get(`${catalog.id}\u0000main`)!;
    ctx.rows.tags.push({
      tenantId: catalog.tenantId,
      id: uuidv7(),
      catalogId: catalog.id,
      name,
      commitId: main.headCommitId,
      message: `Imported from the reference${r.commit_id ? ` (it pointed at reference commit ${r.commit_id})` : ''}`,
    });
    ctx.note('tags', ref, "points at the catalog's import commit (reference commits are not imported)");
  }
}

export function planBusinessMetadata(ctx: PlanContext, rows: Row[]) {
  const seen = new Set<string>();
  for (const r of rows) {
    const ref = text(r.id) ?? text(r.asset_id);
    const asset = ctx.assetRefs.get(String(r.asset_id ?? ''));
    if (!asset) {
      ctx.skip('business_metadata', ref, `its asset ${r.asset_id ?? '(none)'} was not imported (an orphan row)`);
      continue;
    }
    if (seen.has(asset.identityId)) {
      ctx.skip(
        'business_metadata',
        ref,
        `the asset ${asset.name} already has business metadata from another branch's row`,
      );
      continue;
    }
    seen.add(asset.identityId);
    const tagsJson = parseJson(r.tags);
    const tags =
      tagsJson.ok && Array.isArray(tagsJson.value)
        ? tagsJson.value.filter((t): t is string => typeof t === 'string' && t.trim() !== '')
        : [];
    if (!tagsJson.ok || (tagsJson.value !== null && !Array.isArray(tagsJson.value)))
      ctx.note('business_metadata', ref, 'tags are not a JSON list: imported without tags');
    const props = properties(r.properties);
    if (!props.ok) ctx.note('business_metadata', ref, `${props.error}: imported without properties`);
    ctx.rows.businessMetadata.push({
      tenantId: asset.tenantId,
      assetId: asset.identityId,
      description: text(r.description),
      tags,
      properties: props.ok ? props.value : {},
      discoverable: bool(r.discoverable, false),
      createdBy: uuidOrNull(r.created_by),
      updatedBy: uuidOrNull(r.updated_by),
      createdAt: toDate(r.created_at) ?? undefined,
      updatedAt: toDate(r.updated_at) ?? undefined,
    });
  }
}
