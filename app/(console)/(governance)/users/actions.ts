'use server';

import { getDb } from '@/db/client';
import type { ActionResult } from '@/lib/action-result';
import { formObject, guarded, runAction } from '@/lib/action';
import { explainAccess, type Decision } from '@/lib/authz';
import { requireActor } from '@/lib/auth/session';
import { badRequest } from '@/lib/errors';
import { createGrant, revokeGrant } from '@/lib/governance/grants';
import { resolveScope, scopeInput } from '@/lib/governance/scope';
import { assignRole, clearSignInLock, createUser, deleteUser, resetPassword, setUserActive, unassignRole, updateUser } from '@/lib/governance/users';
import { permissionActions, type PermissionAction } from '@/db/schema';
import { redirect } from 'next/navigation';

type Prev = ActionResult<unknown> | null;

export async function createUserAction(_prev: Prev, formData: FormData) {
  return runAction(createUser, formObject(formData), {
    formData, message: (d) => (d.temporaryPassword ? `Created ${d.username}. Give them the temporary password below; it is shown only once.` : `Created ${d.username}.`),
  });
}

export async function updateUserAction(_prev: Prev, formData: FormData) {
  return runAction(updateUser, formObject(formData), { formData, message: () => 'Saved.' });
}

export async function setUserActiveAction(formData: FormData) {
  return runAction(setUserActive, { id: formData.get('id'), active: formData.get('active') === 'true' });
}

export async function resetPasswordAction(_prev: Prev, formData: FormData) {
  return runAction(resetPassword, formObject(formData), {
    formData, message: (d) => (d.temporaryPassword ? 'Password reset; their sessions were signed out. The temporary password below is shown only once.' : 'Password changed; their sessions were signed out.'),
  });
}

/** Clears the user's sign-in locks on every address (audited). */
export async function clearSignInLockAction(formData: FormData) {
  return runAction(clearSignInLock, { id: formData.get('id') });
}

export async function deleteUserAction(formData: FormData) {
  const result = await runAction(deleteUser, { id: formData.get('id') });
  if (result.ok) redirect('/users');
  return result;
}

export async function assignRoleAction(_prev: Prev, formData: FormData) {
  return runAction(assignRole, formObject(formData), { formData, message: () => 'Role assigned.' });
}

export async function unassignRoleAction(formData: FormData) {
  return runAction(unassignRole, formObject(formData));
}

/** The grant builder's submit: a grant to a user, a service user or a role. */
export async function addGrantAction(_prev: Prev, formData: FormData) {
  return runAction(createGrant, formObject(formData), { formData, message: (d) => `Granted ${d.actions.join(', ')} on ${d.scope}.` });
}

export async function revokeGrantAction(formData: FormData) {
  return runAction(revokeGrant, { id: formData.get('id'), cascade: formData.get('cascade') === 'on' });
}

/** "Why may (or may not) this user do A on O?" for the effective-permissions view. */
export async function checkAccessAction(_prev: Prev, formData: FormData): Promise<ActionResult<Decision & { scope: string }>> {
  await requireActor();
  return guarded(async (actor) => {
    const raw = formObject(formData);
    const action = String(raw.action ?? '') as PermissionAction;
    if (!permissionActions.includes(action)) throw badRequest('Pick an action');
    const parsed = scopeInput.safeParse(raw);
    if (!parsed.success || parsed.data.scopeType === 'tenant' || parsed.data.scopeType === 'tag') throw badRequest('Pick a catalog, namespace or table to check');
    const db = await getDb();
    const tenantId = actor.tenantId;
    if (!tenantId) throw badRequest('Select a tenant first');
    const scope = await resolveScope(db, tenantId, parsed.data);
    const ref = scope.ref;
    const obj = ref.type === 'asset'
      ? { tenantId, catalogId: ref.catalogId, namespacePath: ref.namespacePath, assetId: ref.assetId, tags: ref.tags }
      : ref.type === 'namespace' ? { tenantId, catalogId: ref.catalogId, namespacePath: ref.namespacePath } : { tenantId, catalogId: (ref as { catalogId: string }).catalogId };
    const decision = await explainAccess(db, actor, String(raw.userId ?? ''), action, obj);
    return { ...decision, scope: scope.label };
  });
}
