'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, guarded, runAction, flashThenRedirect } from '@/lib/action';
import type { Decision } from '@/lib/authz';
import { createGrant, revokeGrant } from '@/lib/governance/grants';
import { checkUserAccess } from '@/lib/governance/queries/permissions';
import {
  assignRole,
  clearSignInLock,
  createUser,
  deleteUser,
  resetPassword,
  setUserActive,
  unassignRole,
  updateUser,
} from '@/lib/governance/users';
import { resetTwoFactor } from '@/lib/governance/two-factor';
import { reissueInvitation } from '@/lib/governance/password-links';

type Prev = ActionResult<unknown> | null;

export async function createUserAction(_prev: Prev, formData: FormData) {
  return runAction(createUser, formObject(formData), {
    formData,
    message: (d) =>
      d.invitationMailed
        ? `Created ${d.username}. An invitation to choose a password was mailed to ${d.invitationMailed}.`
        : d.temporaryPassword
          ? `Created ${d.username}. Give them the temporary password below; it is shown only once.`
          : `Created ${d.username}.`,
  });
}

export async function updateUserAction(_prev: Prev, formData: FormData) {
  return runAction(updateUser, formObject(formData), { formData, message: () => 'Saved.' });
}

export async function setUserActiveAction(formData: FormData) {
  return runAction(
    setUserActive,
    { id: formData.get('id'), active: formData.get('active') === 'true' },
    { message: () => (formData.get('active') === 'true' ? 'User reactivated.' : 'User deactivated and signed out.') },
  );
}

export async function resetPasswordAction(_prev: Prev, formData: FormData) {
  return runAction(resetPassword, formObject(formData), {
    formData,
    message: (d) =>
      d.temporaryPassword
        ? 'Password reset; their sessions were signed out. The temporary password below is shown only once.'
        : 'Password changed; their sessions were signed out.',
  });
}

/** Clears the user's sign-in locks on every address (audited). */
export async function clearSignInLockAction(formData: FormData) {
  return runAction(clearSignInLock, { id: formData.get('id') }, { message: () => 'Sign-in locks cleared.' });
}

/** Resets the user's second factor (a lost device; audited). */
export async function resetTwoFactorAction(formData: FormData) {
  return runAction(resetTwoFactor, { id: formData.get('id') }, { message: () => 'Two-factor sign-in reset.' });
}

export async function deleteUserAction(formData: FormData) {
  const result = await runAction(deleteUser, { id: formData.get('id') });
  if (result.ok) await flashThenRedirect('User deleted.', '/users');
  return result;
}

export async function assignRoleAction(_prev: Prev, formData: FormData) {
  return runAction(assignRole, formObject(formData), { formData, message: () => 'Role assigned.' });
}

export async function unassignRoleAction(formData: FormData) {
  return runAction(unassignRole, formObject(formData), { message: () => 'Role removed.' });
}

/** The grant builder's submit: a grant to a user, a service user or a role. */
export async function addGrantAction(_prev: Prev, formData: FormData) {
  return runAction(createGrant, formObject(formData), {
    formData,
    message: (d) => `Granted ${d.actions.join(', ')} on ${d.scope}.`,
  });
}

export async function revokeGrantAction(formData: FormData) {
  return runAction(
    revokeGrant,
    { id: formData.get('id'), cascade: formData.get('cascade') === 'on' },
    { message: () => 'Grant revoked.' },
  );
}

/** "Why may (or may not) this user do A on O?" for the effective-permissions view (lib/governance/queries/permissions.ts). */
export async function checkAccessAction(
  _prev: Prev,
  formData: FormData,
): Promise<ActionResult<Decision & { scope: string }>> {
  return guarded((actor) => checkUserAccess(actor, formObject(formData)));
}

/** A fresh invitation mail (the previous link stops working). */
export async function reissueInvitationAction(formData: FormData) {
  return runAction(
    reissueInvitation,
    { id: formData.get('id') },
    { message: (d) => `Invitation mailed to ${d.email}.` },
  );
}
