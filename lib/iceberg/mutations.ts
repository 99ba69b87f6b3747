import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { branches, type Properties } from '@/db/schema';
import { authorize, requireTenant } from '../authz';
import { toPgArray } from '../catalog/lookup';
import { identifierPart, namespacePath, objectName, properties, uuid } from '../catalog/names';
import { conflict, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { commitChanges, type BranchRef } from '../versioning/commit';

const location = z.string().min(1).max(4096).regex(/^(s3[an]?|abfss?|gs|file):\/\/?\S+$|^\/\S+$/, 'Metadata location must be a URI');

export const commitMetadataInput = z.object({
  catalogId: uuid('Catalog'),
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
}).strict();
type Input = z.output<typeof commitMetadataInput>;

type Target = { branch: BranchRef; asset: { assetId: string; namespaceId: string; metadataLocation: string | null; tags: string[] } };

/**
 * Locks the branch, then reads the asset in a fresh statement, so the pointer compared is the one every
 * earlier commit left (a join under FOR UPDATE could see the row as it was before the lock was granted).
 */
async function lockTarget(tx: Tx, tenantId: string, input: Input): Promise<Target> {
  const [b] = await tx.select({
    tenantId: branches.tenantId, id: branches.id, name: branches.name, catalogId: branches.catalogId,
    headCommitId: branches.headCommitId, protected: branches.protected,
  }).from(branches)
    .where(and(eq(branches.tenantId, tenantId), eq(branches.catalogId, input.catalogId), eq(branches.name, input.branch)))
    .for('update');
  if (!b) throw notFound(`Branch "${input.branch}"`);
  const [a] = (await tx.execute<{ asset_id: string; namespace_id: string; metadata_location: string | null; tags: string[] | null }>(sql`
    SELECT a.asset_id, a.namespace_id, a.metadata_location, bm.tags
    FROM namespaces n
    JOIN assets a ON a.tenant_id = n.tenant_id AND a.branch_id = ${b.id} AND a.namespace_id = n.id AND a.name = ${input.name} AND a.asset_type = ${input.assetType}
    LEFT JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
    WHERE n.tenant_id = ${tenantId} AND n.catalog_id = ${input.catalogId} AND n.path = ${toPgArray(input.namespace)}::text[]`)).rows;
  if (!a) throw notFound(input.assetType === 'table' ? `Table "${input.name}"` : `View "${input.name}"`);
  return { branch: b, asset: { assetId: a.asset_id, namespaceId: a.namespace_id, metadataLocation: a.metadata_location, tags: a.tags ?? [] } };
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
  resourceType: 'asset',
  input: commitMetadataInput,
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const t = await lockTarget(tx, tenantId, input);
    await authorize(tx, actor, 'update', { tenantId, catalogId: input.catalogId, namespacePath: input.namespace, assetId: t.asset.assetId, tags: t.asset.tags }, 'Table or view');
    targets.set(input, t);
  },
  run: async (tx, actor, input) => {
    const t = targets.get(input) ?? await lockTarget(tx, requireTenant(actor), input);
    if (t.asset.metadataLocation !== input.expectedMetadataLocation) {
      throw conflict(`The ${input.assetType} changed meanwhile: its metadata is now at ${t.asset.metadataLocation ?? 'nothing'}, not ${input.expectedMetadataLocation}`);
    }
    const { commitId } = await commitChanges(tx, actor, {
      branch: t.branch,
      message: input.message,
      changes: [{
        assetId: t.asset.assetId, op: 'update',
        after: {
          namespaceId: t.asset.namespaceId, name: input.name, assetType: input.assetType, metadataLocation: input.metadataLocation,
          schemaId: input.schemaId, properties: input.properties as Properties,
        },
      }],
    });
    return {
      data: { assetId: t.asset.assetId, commitId },
      audit: {
        resourceId: t.asset.assetId, resourceName: `${input.namespace.join('.')}.${input.name}@${input.branch}`,
        metadata: { commitId, before: input.expectedMetadataLocation, after: input.metadataLocation, via: 'iceberg-rest' },
      },
    };
  },
  revalidate: () => ['/catalogs', '/search'],
});

registerMutations(commitIcebergMetadata);
