'use server';

// Registers the Iceberg table merger: a rebase combines tables both branches appended to.
import '@/lib/iceberg/table-merge';
import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction, flashThenRedirect } from '@/lib/action';
import { setTableMetadata } from '@/lib/catalog/assets';
import {
  createBranch,
  createTag,
  deleteBranch,
  deleteTag,
  rebaseBranchMutation,
  setBranchProtection,
} from '@/lib/versioning/mutations';
import { shortId } from '@/lib/format';

type Prev = ActionResult<unknown> | null;
const qs = (catalog: unknown) => `?catalog=${encodeURIComponent(String(catalog ?? ''))}`;

export async function createBranchAction(_prev: Prev, formData: FormData) {
  const input = formObject(formData);
  // Ticked tables count only when "partial" is ticked too.
  if (!input.partial) delete input.assetIds;
  const result = await runAction(createBranch, input, { formData });
  if (result.ok)
    await flashThenRedirect(
      `Branch ${result.data.name} created.`,
      `/branches/${encodeURIComponent(result.data.name)}${qs(result.data.catalog)}`,
    );
  return result;
}

export async function deleteBranchAction(formData: FormData) {
  const result = await runAction(deleteBranch, { catalog: formData.get('catalog'), name: formData.get('name') });
  if (result.ok)
    await flashThenRedirect(
      `Branch ${String(formData.get('name') ?? '')} deleted.`,
      `/branches${qs(formData.get('catalog'))}`,
    );
  return result;
}

export async function rebaseBranchAction(formData: FormData) {
  const result = await runAction(rebaseBranchMutation, {
    catalog: formData.get('catalog'),
    name: formData.get('name'),
    expectedHead: formData.get('expectedHead'),
  });
  if (!result.ok) return result;
  const d = result.data;
  return {
    ...result,
    message:
      `Rebased ${d.branch} onto the head of ${d.onto}: ${d.changes} change${d.changes === 1 ? '' : 's'} replayed` +
      (d.tablesCombined ? `, ${d.tablesCombined} table${d.tablesCombined === 1 ? '' : 's'} combined.` : '.'),
  };
}

export async function setProtectionAction(formData: FormData) {
  return runAction(setBranchProtection, {
    catalog: formData.get('catalog'),
    name: formData.get('name'),
    protected: formData.get('protected') === 'true',
  });
}

export async function createTagAction(_prev: Prev, formData: FormData) {
  return runAction(createTag, formObject(formData), {
    formData,
    message: (d) => `Tagged commit ${shortId(d.commitId)} as ${d.name}.`,
  });
}

export async function deleteTagAction(formData: FormData) {
  return runAction(deleteTag, { catalog: formData.get('catalog'), name: formData.get('name') });
}

/** "Change a table": points a table on a branch at another Iceberg metadata file (lib/catalog/assets.ts setTableMetadata). */
export async function changeTableAction(_prev: Prev, formData: FormData): Promise<ActionResult<unknown>> {
  return runAction(setTableMetadata, formObject(formData), {
    formData,
    message: (d) => `Committed the new metadata location of ${d.name} on ${d.branch}.`,
  });
}
