import 'server-only';
import type { Actor } from '@/lib/actor';
import { AppError } from '@/lib/errors';
import { assetIdentity, getAsset } from './assets';
import { branchOf } from './catalogs';

/**
 * What POST /api/v1/bulk/assets/delete would drop, changing nothing: each table on the branch with its catalog and
 * namespace, and each one that would refuse the request (missing, not on the branch, or not the caller's to delete),
 * with the reason. A table of another tenant reads exactly as a missing one.
 */
export async function previewBulkDrop(actor: Actor, input: { assetIds: string[]; branch: string }) {
  const assets: {
    assetId: string;
    catalog: string;
    namespace: string[];
    name: string;
    assetType: string;
    metadataLocation: string | null;
  }[] = [];
  const refused: { assetId: string; reason: string }[] = [];
  for (const assetId of input.assetIds) {
    try {
      const identity = await assetIdentity(actor, assetId);
      const branch = await branchOf(actor, identity.catalogId, input.branch);
      const a = await getAsset(actor, identity.catalogId, branch, { assetId });
      if (!a.may.delete) refused.push({ assetId, reason: `You may not delete ${a.name}` });
      else
        assets.push({
          assetId,
          catalog: identity.catalogName,
          namespace: a.namespacePath,
          name: a.name,
          assetType: a.assetType,
          metadataLocation: a.state?.metadataLocation ?? null,
        });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      refused.push({ assetId, reason: err.message });
    }
  }
  return { dryRun: true as const, branch: input.branch, assets, refused };
}
