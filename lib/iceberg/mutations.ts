import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import type { Properties } from '@/db/schema';
import { authorize, requireTenant } from '../authz';
import { toPgArray } from '../catalog/lookup';
import { identifierPart, metadataLocation, namespacePath, objectName, properties } from '../catalog/names';
import { idSchema } from '@/lib/ids';
import { conflict, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { emitEvent } from '../outbox';
import { commitChanges, lockBranchByName, type BranchRef } from '../catalog/commit';

const location = metadataLocation('s3://bucket/db/t/metadata/00001.metadata.json');

export const commitMetadataInput = z
  .object({
    catalogId: idSchema('Catalog'),
    branch: objectName('Branch'),
    namespace: namespacePath,
    name: identifierPart('Table name'),
    assetType: z.enum(['table', 'view']),
    /** Compare-and-set: the pointer must still be this one when the branch is locked. */
    expectedMetadataLocation: location,
    metadataLocation: location,
    schemaId: z.number().int().min(0),
    properties,
    message: z.string().max(2000),
  })
  .strict();
type Input = z.output<typeof commitMetadataInput>;

type Target = {
  branch: BranchRef;
  asset: { assetId: string; namespaceId: string; metadataLocation: string | null; tags: string[] };
};
type AssetKey = { catalogId: string; namespace: string[]; name: string; assetType: 'table' | 'view' };

type AssetRow = { asset_id: string; namespace_id: string; metadata_location: string | null; tags: string[] | null };

/** The asset named by `key` on the branch (joined to the branch `b`, or on its own with `b` bound). */
const assetOf = (tenantId: string, key: AssetKey) => sql`namespaces n
    JOIN assets a ON a.tenant_id = n.tenant_id AND a.namespace_id = n.id AND a.name = ${key.name} AND a.asset_type = ${key.assetType}
    LEFT JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
    WHERE n.tenant_id = ${tenantId} AND n.catalog_id = ${key.catalogId} AND n.path = ${toPgArray(key.namespace)}::text[]`;

function targetOf(branch: BranchRef, key: AssetKey, a: AssetRow | undefined): Target {
  if (!a?.asset_id)
    throw notFound(
      key.assetType === 'table'
        ? `Table "${key.namespace.join('.')}.${key.name}"`
        : `View "${key.namespace.join('.')}.${key.name}"`,
    );
  return {
    branch,
    asset: {
      assetId: a.asset_id,
      namespaceId: a.namespace_id,
      metadataLocation: a.metadata_location,
      tags: a.tags ?? [],
    },
  };
}

/** Run after the branch lock is held, as its own statement, so it sees every commit made before. */
async function findLocked(tx: Tx, tenantId: string, branch: BranchRef, key: AssetKey): Promise<Target> {
  const [a] = (
    await tx.execute<AssetRow>(sql`
    SELECT a.asset_id, a.namespace_id, a.metadata_location, bm.tags FROM ${assetOf(tenantId, key)} AND a.branch_id = ${branch.id}`)
  ).rows;
  return targetOf(branch, key, a);
}

/**
 * Locks the branch and reads the asset in one statement. That statement's snapshot is taken before the lock is
 * granted, so the asset it read is current only if no commit landed on the branch meanwhile: every write of a
 * branch's head rows holds its lock and moves its head, and the statement returns the head as its snapshot saw it
 * beside the head of the row it locked (the newest). When they differ, the asset is read again in a fresh
 * statement, as findLocked does.
 */
async function lockTarget(tx: Tx, tenantId: string, input: Input): Promise<Target> {
  const [row] = (
    await tx.execute<
      AssetRow & {
        tenant_id: string;
        id: string;
        name: string;
        catalog_id: string;
        head_commit_id: string;
        protected: boolean;
        seen_head: string | null;
      }
    >(sql`
    SELECT b.tenant_id, b.id, b.name, b.catalog_id, b.head_commit_id, b.protected,
      (SELECT s.head_commit_id FROM branches s WHERE s.tenant_id = b.tenant_id AND s.id = b.id) AS seen_head,
      x.asset_id, x.namespace_id, x.metadata_location, x.tags
    FROM branches b
    LEFT JOIN LATERAL (
      SELECT a.asset_id, a.namespace_id, a.metadata_location, bm.tags FROM ${assetOf(tenantId, input)}
        AND a.branch_id = b.id
    ) x ON true
    WHERE b.tenant_id = ${tenantId} AND b.catalog_id = ${input.catalogId} AND b.name = ${input.branch}
    FOR UPDATE OF b`)
  ).rows;
  if (!row) throw notFound(`Branch "${input.branch}"`);
  const branch: BranchRef = {
    tenantId: row.tenant_id,
    id: row.id,
    name: row.name,
    catalogId: row.catalog_id,
    headCommitId: row.head_commit_id,
    protected: row.protected,
  };
  if (row.seen_head !== row.head_commit_id) return findLocked(tx, tenantId, branch, input);
  return targetOf(branch, input, row);
}

/** authorize and run share one transaction and the same parsed input: the locked target is looked up once. */
const targets = new WeakMap<object, Target>();

/**
 * An Iceberg commit: the table's (or view's) metadata pointer moves from `expectedMetadataLocation` to the
 * new file, as one commit on the branch (history, diffs and merges see it; metadata_locations records it).
 * Like asset.update, but with the lookup done once under the branch lock, since commits are the hot path.
 */
export const commitIcebergMetadata = defineMutation({
  action: 'asset.commit',
  recordInput: [
    'catalogId',
    'branch',
    'namespace',
    'name',
    'assetType',
    'expectedMetadataLocation',
    'metadataLocation',
    'schemaId',
    'properties',
    'message',
  ],
  resourceType: 'asset',
  input: commitMetadataInput,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const t = await lockTarget(tx, tenantId, input);
    await authorize(
      tx,
      actor,
      'update',
      {
        tenantId,
        catalogId: input.catalogId,
        namespacePath: input.namespace,
        assetId: t.asset.assetId,
        tags: t.asset.tags,
      },
      'Table or view',
    );
    targets.set(input, t);
  },
  run: async (tx, actor, input) => {
    const t = targets.get(input) ?? (await lockTarget(tx, requireTenant(actor), input));
    if (t.asset.metadataLocation !== input.expectedMetadataLocation) {
      throw conflict(
        `The ${input.assetType} changed meanwhile: its metadata is now at ${t.asset.metadataLocation ?? 'nothing'}, not ${input.expectedMetadataLocation}`,
      );
    }
    const { commitId } = await commitChanges(tx, actor, {
      branch: t.branch,
      message: input.message,
      changes: [
        {
          assetId: t.asset.assetId,
          op: 'update',
          after: {
            namespaceId: t.asset.namespaceId,
            name: input.name,
            assetType: input.assetType,
            metadataLocation: input.metadataLocation,
            schemaId: input.schemaId,
            properties: input.properties as Properties,
          },
        },
      ],
    });
    if (input.assetType === 'table')
      await emitEvent(tx, t.branch.tenantId, 'table.committed', {
        assetId: t.asset.assetId,
        catalogId: input.catalogId,
        branch: input.branch,
        namespace: input.namespace,
        name: input.name,
        commitId,
        metadataLocation: input.metadataLocation,
      });
    return {
      data: { assetId: t.asset.assetId, commitId },
      audit: {
        resourceId: t.asset.assetId,
        resourceName: `${input.namespace.join('.')}.${input.name}@${input.branch}`,
        metadata: {
          commitId,
          before: input.expectedMetadataLocation,
          after: input.metadataLocation,
          via: 'iceberg-rest',
        },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

const change = z
  .object({
    branch: objectName('Branch'),
    namespace: namespacePath,
    name: identifierPart('Table name'),
    expectedMetadataLocation: location,
    metadataLocation: location,
    schemaId: z.number().int().min(0),
    properties,
  })
  .strict();

export const commitTransactionInput = z
  .object({
    catalogId: idSchema('Catalog'),
    changes: z.array(change).min(1).max(100),
    message: z.string().max(2000),
  })
  .strict();

const transactionTargets = new WeakMap<object, Target[]>();

/** Branches in name order, each locked once: two transactions over the same branches cannot deadlock. */
async function lockAll(tx: Tx, tenantId: string, input: z.output<typeof commitTransactionInput>): Promise<Target[]> {
  const names = [...new Set(input.changes.map((c) => c.branch))].sort();
  const locked = new Map<string, BranchRef>();
  for (const n of names) locked.set(n, await lockBranchByName(tx, tenantId, input.catalogId, n));
  const out: Target[] = [];
  for (const c of input.changes)
    out.push(
      await findLocked(tx, tenantId, locked.get(c.branch)!, {
        catalogId: input.catalogId,
        namespace: c.namespace,
        name: c.name,
        assetType: 'table',
      }),
    );
  return out;
}

/**
 * A multi-table Iceberg transaction: every pointer is compared and swapped in one database transaction, as
 * one commit per branch touched. Either all tables move or none does.
 */
export const commitIcebergTransaction = defineMutation({
  action: 'asset.commit_transaction',
  recordInput: ['catalogId', 'changes', 'message'],
  resourceType: 'asset',
  input: commitTransactionInput,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const targets = await lockAll(tx, tenantId, input);
    for (const [i, t] of targets.entries()) {
      await authorize(
        tx,
        actor,
        'update',
        {
          tenantId,
          catalogId: input.catalogId,
          namespacePath: input.changes[i].namespace,
          assetId: t.asset.assetId,
          tags: t.asset.tags,
        },
        'Table',
      );
    }
    transactionTargets.set(input, targets);
  },
  run: async (tx, actor, input) => {
    const targets = transactionTargets.get(input) ?? (await lockAll(tx, requireTenant(actor), input));
    const byBranch = new Map<string, { branch: BranchRef; changes: Parameters<typeof commitChanges>[2]['changes'] }>();
    for (const [i, c] of input.changes.entries()) {
      const t = targets[i];
      if (t.asset.metadataLocation !== c.expectedMetadataLocation) {
        throw conflict(
          `Table ${c.namespace.join('.')}.${c.name} changed meanwhile: its metadata is now at ${t.asset.metadataLocation ?? 'nothing'}, not ${c.expectedMetadataLocation}`,
        );
      }
      const entry =
        byBranch.get(t.branch.id) ?? byBranch.set(t.branch.id, { branch: t.branch, changes: [] }).get(t.branch.id)!;
      entry.changes.push({
        assetId: t.asset.assetId,
        op: 'update',
        after: {
          namespaceId: t.asset.namespaceId,
          name: c.name,
          assetType: 'table',
          metadataLocation: c.metadataLocation,
          schemaId: c.schemaId,
          properties: c.properties as Properties,
        },
      });
    }
    const commitIds: string[] = [];
    for (const { branch, changes } of byBranch.values())
      commitIds.push((await commitChanges(tx, actor, { branch, message: input.message, changes })).commitId);
    await emitEvent(
      tx,
      requireTenant(actor),
      'table.committed',
      input.changes.map((c, i) => ({
        assetId: targets[i].asset.assetId,
        catalogId: input.catalogId,
        branch: c.branch,
        namespace: c.namespace,
        name: c.name,
        commitIds,
        metadataLocation: c.metadataLocation,
      })),
    );
    return {
      data: { commitIds },
      audit: {
        resourceId: null,
        resourceName: input.changes
          .map((c) => `${c.namespace.join('.')}.${c.name}@${c.branch}`)
          .join(', ')
          .slice(0, 500),
        metadata: {
          commitIds,
          tables: input.changes.map((c, i) => ({
            assetId: targets[i].asset.assetId,
            before: c.expectedMetadataLocation,
            after: c.metadataLocation,
          })),
          via: 'iceberg-rest',
        },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

registerMutations(commitIcebergMetadata, commitIcebergTransaction);
