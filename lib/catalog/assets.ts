import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { v7 as uuidv7 } from 'uuid';
import type { Tx } from '@/db/client';
import { businessMetadata } from '@/db/schema';
import type { Actor } from '../actor';
import { assetCatalog, authorize, can, requireTenant } from '../authz';
import { badRequest, conflict, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { commitChanges, lockBranchByName, lockBranchWithNamespace, type AssetSnapshot } from './commit';
import { findAsset, findCatalog, findNamespace } from './lookup';
import { claimMetadataLocation } from './metadata-files';
import { flag, identifierPart, metadataLocation, namespacePathInput, objectName, properties } from './names';
import { idSchema } from '@/lib/ids';

const location = metadataLocation('s3://bucket/path/v1.metadata.json');

const where = {
  catalog: z.string().trim().min(1, 'Catalog is required').max(128),
  branch: objectName('Branch').default('main'),
};
const message = z.string().trim().max(2000).optional();

type CatalogRow = Awaited<ReturnType<typeof findCatalog>>;

/**
 * Resolves catalog, branch (locked for the commit) and namespace of an asset change (`known`: the catalog as the
 * mutation's authorize already found it).
 */
async function target(
  tx: Tx,
  actor: Actor,
  input: { catalog: string; branch: string; namespace: string[] },
  known?: CatalogRow,
) {
  const tenantId = requireTenant(actor);
  const catalog = known ?? (await findCatalog(tx, tenantId, input.catalog));
  // The branch is locked by the last statement before the change: other writers wait only from here to commit.
  const { branch, namespace } = await lockBranchWithNamespace(tx, tenantId, catalog.id, input.branch, input.namespace);
  return { tenantId, catalog, branch, namespace };
}

export const createAssetInput = z
  .object({
    ...where,
    namespace: namespacePathInput,
    name: identifierPart('Table name'),
    assetType: z.enum(['table', 'view']).default('table'),
    metadataLocation: location.optional(),
    schemaId: z.coerce.number().int().min(0).optional(),
    properties,
    message,
  })
  .strict();

/** authorize and run share one transaction and the same parsed input: the catalog is looked up once. */
const creating = new WeakMap<Tx, { input: object; catalog: CatalogRow }>();

export const createAsset = defineMutation({
  action: 'asset.create',
  recordInput: [
    'catalog',
    'branch',
    'namespace',
    'name',
    'assetType',
    'metadataLocation',
    'schemaId',
    'properties',
    'message',
  ],
  resourceType: 'asset',
  input: createAssetInput,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    await authorize(tx, actor, 'create', { tenantId, catalogId: c.id, namespacePath: input.namespace }, 'Catalog');
    creating.set(tx, { input, catalog: c });
  },
  run: async (tx, actor, input) => {
    const memo = creating.get(tx);
    const t = await target(tx, actor, input, memo?.input === input ? memo.catalog : undefined);
    if (input.metadataLocation)
      await claimMetadataLocation(tx, actor, {
        tenantId: t.tenantId,
        catalogId: t.catalog.id,
        assetId: null,
        location: input.metadataLocation,
      });
    const assetId = uuidv7();
    const after: AssetSnapshot = {
      namespaceId: t.namespace.id,
      name: input.name,
      assetType: input.assetType,
      metadataLocation: input.metadataLocation ?? null,
      schemaId: input.schemaId ?? null,
      properties: input.properties,
    };
    const { commitId } = await commitChanges(tx, actor, {
      branch: t.branch,
      message: input.message ?? `Create ${input.assetType} ${input.namespace.join('.')}.${input.name}`,
      changes: [{ assetId, op: 'create', after, isNew: true }],
    });
    return {
      data: { assetId, commitId, catalogId: t.catalog.id, branchId: t.branch.id },
      audit: {
        resourceId: assetId,
        resourceName: `${t.catalog.name}.${input.namespace.join('.')}.${input.name}@${t.branch.name}`,
        metadata: { commitId, metadataLocation: after.metadataLocation },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

const assetRef = {
  ...where,
  namespace: namespacePathInput,
  name: identifierPart('Table name'),
};

/** Loads the asset and checks the actor may perform `action` on it (grants may name its namespace, id or tags). */
async function authorizeOnAsset(
  tx: Tx,
  actor: Actor,
  action: 'update' | 'delete',
  input: { catalog: string; branch: string; namespace: string[]; name: string },
) {
  const t = await target(tx, actor, input);
  const asset = await findAsset(tx, t.tenantId, t.branch.id, { namespaceId: t.namespace.id, name: input.name });
  await authorize(
    tx,
    actor,
    action,
    {
      tenantId: t.tenantId,
      catalogId: t.catalog.id,
      namespacePath: asset.namespacePath,
      assetId: asset.assetId,
      tags: asset.tags,
    },
    'Table or view',
  );
  return { ...t, asset };
}

type Located = Awaited<ReturnType<typeof target>> & { asset: Awaited<ReturnType<typeof findAsset>> };
type AssetChange = {
  metadataLocation?: string;
  expectedMetadataLocation?: string | null;
  schemaId?: number;
  properties?: Record<string, string>;
  message?: string;
};

/** The update itself, once the asset is found, locked and authorized: one commit on its branch. */
async function applyUpdate(tx: Tx, actor: Actor, t: Located, input: AssetChange) {
  const a = t.asset;
  if (input.expectedMetadataLocation !== undefined && input.expectedMetadataLocation !== a.metadataLocation) {
    throw conflict(
      `The table changed meanwhile: its metadata is now at ${a.metadataLocation ?? 'nothing'}, not ${input.expectedMetadataLocation ?? 'nothing'}`,
    );
  }
  if (input.metadataLocation && input.metadataLocation !== a.metadataLocation) {
    await claimMetadataLocation(tx, actor, {
      tenantId: t.tenantId,
      catalogId: t.catalog.id,
      assetId: a.assetId,
      location: input.metadataLocation,
    });
  }
  const after: AssetSnapshot = {
    namespaceId: a.namespaceId,
    name: a.name,
    assetType: a.assetType,
    metadataLocation: input.metadataLocation ?? a.metadataLocation,
    schemaId: input.schemaId ?? a.schemaId,
    properties: input.properties ?? a.properties,
  };
  const { commitId } = await commitChanges(tx, actor, {
    branch: t.branch,
    message: input.message ?? `Update ${a.name}`,
    changes: [{ assetId: a.assetId, op: 'update', after }],
  });
  return {
    data: { assetId: a.assetId, name: a.name, branch: t.branch.name, commitId },
    audit: {
      resourceId: a.assetId,
      resourceName: `${t.catalog.name}.${a.namespacePath.join('.')}.${a.name}@${t.branch.name}`,
      metadata: { commitId, before: a.metadataLocation, after: after.metadataLocation, properties: input.properties },
    },
  };
}

export const updateAssetInput = z
  .object({
    ...assetRef,
    metadataLocation: location.optional(),
    /** Compare-and-set: the change applies only if the current pointer is still this one. */
    expectedMetadataLocation: location.nullable().optional(),
    schemaId: z.coerce.number().int().min(0).optional(),
    properties: properties.optional(),
    message,
  })
  .strict();

export const updateAsset = defineMutation({
  action: 'asset.update',
  recordInput: [
    'catalog',
    'branch',
    'namespace',
    'name',
    'metadataLocation',
    'expectedMetadataLocation',
    'schemaId',
    'properties',
    'message',
  ],
  resourceType: 'asset',
  input: updateAssetInput,
  authorize: async (tx, actor, input) => {
    await authorizeOnAsset(tx, actor, 'update', input);
  },
  run: async (tx, actor, input) => applyUpdate(tx, actor, await authorizeOnAsset(tx, actor, 'update', input), input),
  revalidate: () => ['/catalogs', '/search'],
});

/**
 * The console's "Change a table": points a table on a branch at another Iceberg metadata file, the table chosen by
 * id (what an engine's commit does, for fixing a pointer by hand). Found, locked and checked in its transaction.
 */
export const setTableMetadata = defineMutation({
  action: 'asset.set_metadata',
  recordInput: ['catalog', 'branch', 'assetId', 'metadataLocation', 'message'],
  resourceType: 'asset',
  input: z
    .object({
      ...where,
      assetId: idSchema('Table'),
      metadataLocation: location,
      message,
    })
    .strict(),
  authorize: async (tx, actor, input) => {
    await authorizeById(tx, actor, input);
  },
  run: async (tx, actor, input) => applyUpdate(tx, actor, await authorizeById(tx, actor, input), input),
  revalidate: () => ['/catalogs', '/search', '/branches'],
});

async function authorizeById(
  tx: Tx,
  actor: Actor,
  input: { catalog: string; branch: string; assetId: string },
): Promise<Located> {
  const tenantId = requireTenant(actor);
  const catalog = await findCatalog(tx, tenantId, input.catalog);
  const branch = await lockBranchByName(tx, tenantId, catalog.id, input.branch);
  const asset = await findAsset(tx, tenantId, branch.id, { assetId: input.assetId });
  await authorize(
    tx,
    actor,
    'update',
    { tenantId, catalogId: catalog.id, namespacePath: asset.namespacePath, assetId: asset.assetId, tags: asset.tags },
    'Table or view',
  );
  const namespace = await findNamespace(tx, tenantId, catalog.id, asset.namespacePath);
  return { tenantId, catalog, branch, namespace, asset };
}

export const renameAssetInput = z
  .object({ ...assetRef, newNamespace: namespacePathInput.optional(), newName: identifierPart('New name'), message })
  .strict();

export const renameAsset = defineMutation({
  action: 'asset.rename',
  recordInput: ['catalog', 'branch', 'namespace', 'name', 'newNamespace', 'newName', 'message'],
  resourceType: 'asset',
  input: renameAssetInput,
  authorize: async (tx, actor, input) => {
    await authorizeOnAsset(tx, actor, 'update', input);
  },
  run: async (tx, actor, input) => {
    const t = await authorizeOnAsset(tx, actor, 'update', input);
    const a = t.asset;
    const destination = input.newNamespace
      ? await findNamespace(tx, t.tenantId, t.catalog.id, input.newNamespace)
      : t.namespace;
    if (input.newNamespace) {
      await authorize(
        tx,
        actor,
        'create',
        { tenantId: t.tenantId, catalogId: t.catalog.id, namespacePath: destination.path },
        'Namespace',
      );
    }
    const after: AssetSnapshot = {
      namespaceId: destination.id,
      name: input.newName,
      assetType: a.assetType,
      metadataLocation: a.metadataLocation,
      schemaId: a.schemaId,
      properties: a.properties,
    };
    const { commitId } = await commitChanges(tx, actor, {
      branch: t.branch,
      message: input.message ?? `Rename ${a.name} to ${destination.path.join('.')}.${input.newName}`,
      changes: [{ assetId: a.assetId, op: 'rename', after }],
    });
    return {
      data: { assetId: a.assetId, commitId },
      audit: {
        resourceId: a.assetId,
        resourceName: `${t.catalog.name}.${destination.path.join('.')}.${input.newName}@${t.branch.name}`,
        metadata: { commitId, from: `${a.namespacePath.join('.')}.${a.name}` },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

export const dropAssetInput = z
  .object({
    ...assetRef,
    message,
    /** Also delete the table's files (a purge run and its job, recorded in this drop's transaction). */
    purge: z.boolean().optional(),
  })
  .strict();

/**
 * A drop with purge records the purge run and enqueues its job in the drop's own transaction, so a drop never
 * commits without them (nor they without it). The Iceberg area, which reads the files and this area may not
 * import, registers how (lib/iceberg/maintenance.ts); answers the run's id.
 */
export type DropPurge = (
  tx: Tx,
  actor: Actor,
  dropped: {
    tenantId: string;
    catalogId: string;
    assetId: string;
    branchId: string;
    metadataLocation: string;
    /** The table as the run shows it: namespace.name, with @branch off main. */
    target: string;
  },
) => Promise<string>;

let dropPurge: DropPurge | null = null;

/** Called once by the Iceberg area when it loads. */
export function setDropPurge(p: DropPurge) {
  dropPurge = p;
}

export const dropAsset = defineMutation({
  action: 'asset.drop',
  recordInput: ['catalog', 'branch', 'namespace', 'name', 'message', 'purge'],
  resourceType: 'asset',
  input: dropAssetInput,
  authorize: async (tx, actor, input) => {
    await authorizeOnAsset(tx, actor, 'delete', input);
  },
  run: async (tx, actor, input) => {
    const t = await authorizeOnAsset(tx, actor, 'delete', input);
    const { commitId } = await commitChanges(tx, actor, {
      branch: t.branch,
      message: input.message ?? `Drop ${t.asset.name}`,
      changes: [{ assetId: t.asset.assetId, op: 'drop', after: null }],
    });
    let purgeRunId: string | undefined;
    if (input.purge) {
      if (!dropPurge || t.asset.assetType !== 'table' || !t.asset.metadataLocation)
        throw badRequest(`${t.asset.name} has no Iceberg files this catalog can purge`);
      purgeRunId = await dropPurge(tx, actor, {
        tenantId: t.tenantId,
        catalogId: t.catalog.id,
        assetId: t.asset.assetId,
        branchId: t.branch.id,
        metadataLocation: t.asset.metadataLocation,
        target: `${t.asset.namespacePath.join('.')}.${t.asset.name}${t.branch.name === 'main' ? '' : `@${t.branch.name}`}`,
      });
    }
    return {
      data: { assetId: t.asset.assetId, commitId, ...(purgeRunId ? { purgeRunId } : {}) },
      audit: {
        resourceId: t.asset.assetId,
        resourceName: `${t.catalog.name}.${t.asset.namespacePath.join('.')}.${t.asset.name}@${t.branch.name}`,
        metadata: { commitId, ...(purgeRunId ? { purgeRunId } : {}) },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

export const bulkDropAssetsInput = z
  .object({
    assetIds: z
      .array(idSchema('Table'), { error: 'assetIds must be a list of table ids' })
      .min(1, 'Name at least one table')
      .max(500, 'At most 500 tables at once')
      .transform((ids) => [...new Set(ids)]),
    branch: where.branch,
    message,
  })
  .strict();

/**
 * The tables of a bulk drop, located and checked: each must be on the branch and the actor must hold `delete` on
 * it; one missing or refused table refuses the whole request. Branches are locked in catalog id order.
 */
async function locateBulkDrop(tx: Tx, actor: Actor, input: z.output<typeof bulkDropAssetsInput>) {
  const tenantId = requireTenant(actor);
  const byCatalog = new Map<string, string[]>();
  for (const assetId of input.assetIds) {
    const catalogId = await assetCatalog(tx, tenantId, assetId);
    if (!catalogId) throw notFound(`Table or view ${assetId}`);
    byCatalog.set(catalogId, [...(byCatalog.get(catalogId) ?? []), assetId]);
  }
  const located = [];
  for (const catalogId of [...byCatalog.keys()].sort()) {
    const catalog = await findCatalog(tx, tenantId, catalogId);
    const branch = await lockBranchByName(tx, tenantId, catalogId, input.branch);
    const found = [];
    for (const assetId of byCatalog.get(catalogId)!) {
      const asset = await findAsset(tx, tenantId, branch.id, { assetId });
      await authorize(
        tx,
        actor,
        'delete',
        { tenantId, catalogId, namespacePath: asset.namespacePath, assetId, tags: asset.tags },
        'Table or view',
      );
      found.push(asset);
    }
    located.push({ catalog, branch, assets: found });
  }
  return located;
}

/** Drops many tables of a branch in one transaction: a commit per catalog, one audit row for the whole request. */
export const bulkDropAssets = defineMutation({
  action: 'asset.bulk_drop',
  recordInput: ['assetIds', 'branch', 'message'],
  resourceType: 'asset',
  input: bulkDropAssetsInput,
  authorize: async (tx, actor, input) => {
    await locateBulkDrop(tx, actor, input);
  },
  run: async (tx, actor, input) => {
    const located = await locateBulkDrop(tx, actor, input);
    const commits: { catalog: string; commitId: string }[] = [];
    const dropped: { assetId: string; catalog: string; namespace: string[]; name: string }[] = [];
    for (const { catalog, branch, assets } of located) {
      const { commitId } = await commitChanges(tx, actor, {
        branch,
        message: input.message ?? `Drop ${assets.length} table${assets.length === 1 ? '' : 's'}`,
        changes: assets.map((a) => ({ assetId: a.assetId, op: 'drop' as const, after: null })),
      });
      commits.push({ catalog: catalog.name, commitId });
      for (const a of assets)
        dropped.push({ assetId: a.assetId, catalog: catalog.name, namespace: a.namespacePath, name: a.name });
    }
    return {
      data: { dryRun: false as const, branch: input.branch, dropped, commits },
      audit: {
        resourceId: dropped[0]?.assetId,
        resourceName: `${dropped.length} table${dropped.length === 1 ? '' : 's'} on ${input.branch}`,
        metadata: { assetIds: input.assetIds, commits },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

const tagList = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(','))])
  .transform((tags) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))])
  .pipe(
    z
      .array(
        z
          .string()
          .max(64, 'Tags are at most 64 characters')
          .regex(/^[a-z0-9][a-z0-9_:-]*$/, 'Tags may only contain lowercase letters, digits, "_", ":" and "-"'),
      )
      .max(50, 'At most 50 tags'),
  );

export const setBusinessMetadataInput = z
  .object({
    /** Optional: the asset id alone identifies it; when given, the catalog must be the asset's own. */
    catalog: where.catalog.optional(),
    assetId: idSchema('Table'),
    description: z.string().trim().max(10_000, 'Description is at most 10,000 characters').optional(),
    tags: tagList.default([]),
    discoverable: flag,
    properties: properties.optional(),
  })
  .strict();

/**
 * The asset behind business metadata: its catalog comes from its identity, its head state from `main`, or
 * from another branch when it lives only there. Looks up by (branch, asset) primary key, never by asset id alone.
 */
async function assetForMetadata(tx: Tx, tenantId: string, assetId: string, catalog: string | undefined) {
  const catalogId = await assetCatalog(tx, tenantId, assetId);
  if (!catalogId) throw notFound('Table or view');
  if (catalog && (await findCatalog(tx, tenantId, catalog)).id !== catalogId) throw notFound('Table or view');
  const [row] = (
    await tx.execute<{ branch_id: string }>(sql`SELECT a.branch_id FROM branches b
    JOIN assets a ON a.tenant_id = b.tenant_id AND a.branch_id = b.id AND a.asset_id = ${assetId}
    WHERE b.tenant_id = ${tenantId} AND b.catalog_id = ${catalogId} ORDER BY (b.name = 'main') DESC, b.name LIMIT 1`)
  ).rows;
  if (!row) throw notFound('Table or view');
  return findAsset(tx, tenantId, row.branch_id, { assetId });
}

/** Editing business metadata needs "update" on the asset, or "manage-discovery" (data stewards). */
async function authorizeMetadata(tx: Tx, actor: Actor, input: { assetId: string; catalog?: string }) {
  const tenantId = requireTenant(actor);
  const a = await assetForMetadata(tx, tenantId, input.assetId, input.catalog);
  const obj = { tenantId, catalogId: a.catalogId, namespacePath: a.namespacePath, assetId: a.assetId, tags: a.tags };
  if (!(await can(tx, actor, 'update', obj))) await authorize(tx, actor, 'manage-discovery', obj, 'Table or view');
  return a;
}

/** Description, tags and the discoverable flag belong to the asset's identity: the same on every branch. */
export const setBusinessMetadata = defineMutation({
  action: 'asset.metadata.update',
  recordInput: ['catalog', 'assetId', 'description', 'tags', 'discoverable', 'properties'],
  resourceType: 'asset',
  input: setBusinessMetadataInput,
  authorize: async (tx, actor, input) => {
    await authorizeMetadata(tx, actor, input);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const a = await assetForMetadata(tx, tenantId, input.assetId, input.catalog);
    const values = {
      description: input.description || null,
      tags: input.tags,
      discoverable: input.discoverable,
      updatedBy: actor.id,
    };
    await tx
      .insert(businessMetadata)
      .values({ tenantId, assetId: input.assetId, ...values, properties: input.properties ?? {}, createdBy: actor.id })
      .onConflictDoUpdate({
        target: [businessMetadata.tenantId, businessMetadata.assetId],
        set: { ...values, ...(input.properties ? { properties: input.properties } : {}), updatedAt: sql`now()` },
      });
    return {
      data: {
        assetId: input.assetId,
        description: values.description,
        tags: input.tags,
        discoverable: input.discoverable,
      },
      audit: {
        resourceId: input.assetId,
        resourceName: `${a.namespacePath.join('.')}.${a.name}`,
        metadata: { description: input.description, tags: input.tags, discoverable: input.discoverable },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

export const deleteBusinessMetadataInput = z
  .object({ catalog: where.catalog.optional(), assetId: idSchema('Table') })
  .strict();

/** Clears description, tags and the discoverable flag (the asset itself stays). */
export const deleteBusinessMetadata = defineMutation({
  action: 'asset.metadata.delete',
  recordInput: ['catalog', 'assetId'],
  resourceType: 'asset',
  input: deleteBusinessMetadataInput,
  authorize: async (tx, actor, input) => {
    await authorizeMetadata(tx, actor, input);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const a = await assetForMetadata(tx, tenantId, input.assetId, input.catalog);
    const deleted = await tx
      .delete(businessMetadata)
      .where(and(eq(businessMetadata.tenantId, tenantId), eq(businessMetadata.assetId, input.assetId)))
      .returning({ assetId: businessMetadata.assetId });
    if (!deleted.length) throw notFound('Business metadata of this table or view');
    return {
      data: { assetId: input.assetId },
      audit: { resourceId: input.assetId, resourceName: `${a.namespacePath.join('.')}.${a.name}` },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

registerMutations(
  createAsset,
  updateAsset,
  setTableMetadata,
  renameAsset,
  dropAsset,
  bulkDropAssets,
  setBusinessMetadata,
  deleteBusinessMetadata,
);
