'use server';

import { redirect } from 'next/navigation';
import type { ActionResult } from '@/lib/action-result';
import { getDb } from '@/db/client';
import { formObject, formValues, runAction } from '@/lib/action';
import { requireActor } from '@/lib/auth/session';
import { requireTenant } from '@/lib/authz';
import { findAsset, findBranch, findCatalog } from '@/lib/catalog/lookup';
import { updateAsset } from '@/lib/catalog/mutations';
import { toAppError } from '@/lib/errors';
import { createBranch, createTag, deleteBranch, deleteTag, setBranchProtection } from '@/lib/versioning/mutations';
import { shortId } from '@/lib/format';

type Prev = ActionResult<unknown> | null;
const qs = (catalog: unknown) => `?catalog=${encodeURIComponent(String(catalog ?? ''))}`;

export async function createBranchAction(_prev: Prev, formData: FormData) {
  const input = formObject(formData);
  // Ticked tables count only when "partial" is ticked too.
  if (!input.partial) delete input.assetIds;
  const result = await runAction(createBranch, input, { formData });
  if (result.ok) redirect(`/branches/${encodeURIComponent(result.data.name)}${qs(result.data.catalog)}`);
  return result;
}

export async function deleteBranchAction(formData: FormData) {
  const result = await runAction(deleteBranch, { catalog: formData.get('catalog'), name: formData.get('name') });
  if (result.ok) redirect(`/branches${qs(formData.get('catalog'))}`);
  return result;
}

export async function setProtectionAction(formData: FormData) {
  return runAction(setBranchProtection, { catalog: formData.get('catalog'), name: formData.get('name'), protected: formData.get('protected') === 'true' });
}

export async function createTagAction(_prev: Prev, formData: FormData) {
  return runAction(createTag, formObject(formData), { formData, message: (d) => `Tagged commit ${shortId(d.commitId)} as ${d.name}.` });
}

export async function deleteTagAction(formData: FormData) {
  return runAction(deleteTag, { catalog: formData.get('catalog'), name: formData.get('name') });
}

/**
 * Points a table on a branch at another Iceberg metadata file (a commit on that branch): what an engine's
 * commit does, for fixing a pointer by hand. The table is chosen by id; the change is the catalog's asset.update.
 */
export async function changeTableAction(_prev: Prev, formData: FormData): Promise<ActionResult<unknown>> {
  const actor = await requireActor();
  const input = formObject(formData) as Record<string, string | undefined>;
  try {
    const db = await getDb();
    const tenantId = requireTenant(actor);
    const c = await findCatalog(db, tenantId, input.catalog ?? '');
    const b = await findBranch(db, tenantId, c.id, input.branch ?? '');
    if (!input.assetId) return { ok: false, error: 'Choose a table', fieldErrors: { assetId: ['Choose a table'] }, values: formValues(formData) };
    const a = await findAsset(db, tenantId, b.id, { assetId: input.assetId });
    return runAction(updateAsset, {
      catalog: c.name, branch: b.name, namespace: a.namespacePath, name: a.name, metadataLocation: input.metadataLocation,
      expectedMetadataLocation: a.metadataLocation ?? null, ...(input.message ? { message: input.message } : {}),
    }, { formData, message: () => `Committed the new metadata location of ${a.name} on ${b.name}.` });
  } catch (err) {
    const e = toAppError(err);
    if (!e) throw err;
    return { ok: false, error: e.message, values: formValues(formData) };
  }
}
