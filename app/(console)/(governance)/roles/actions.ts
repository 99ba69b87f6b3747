'use server';

import type { ActionResult } from '@/lib/action-result';
import { scopeAssets, scopeNamespaces, type ScopeOption } from '@/lib/governance/queries/scopes';
import { formObject, guarded, runAction, flashThenRedirect } from '@/lib/action';
import { createRole, deleteRole, updateRole } from '@/lib/governance/roles';

type Prev = ActionResult<unknown> | null;

/** Scope picker browsing: namespaces under a parent, or tables of a namespace (read-only, as the actor). */
export async function browseScopeAction(
  kind: 'namespaces' | 'assets',
  catalogId: string,
  parentId: string | null,
): Promise<ActionResult<ScopeOption[]>> {
  return guarded((actor) =>
    kind === 'assets' ? scopeAssets(actor, catalogId, parentId ?? '') : scopeNamespaces(actor, catalogId, parentId),
  );
}

export async function createRoleAction(_prev: Prev, formData: FormData) {
  const result = await runAction(createRole, formObject(formData), { formData });
  if (result.ok) await flashThenRedirect('Role created.', `/roles/${result.data.id}`);
  return result;
}

export async function updateRoleAction(_prev: Prev, formData: FormData) {
  return runAction(updateRole, formObject(formData), { formData, message: () => 'Saved.' });
}

export async function deleteRoleAction(formData: FormData) {
  const result = await runAction(deleteRole, { id: formData.get('id'), force: formData.get('force') === 'true' });
  if (result.ok) await flashThenRedirect('Role deleted.', '/roles');
  return result;
}
