'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction, flashThenRedirect } from '@/lib/action';
import {
  createServiceUser,
  deleteServiceUser,
  rotateServiceUserKey,
  setServiceUserActive,
  updateServiceUser,
} from '@/lib/governance/service-users';

type Prev = ActionResult<unknown> | null;

/** The key is in the result once; the page never reads it back (only its hash is stored). */
export async function createServiceUserAction(_prev: Prev, formData: FormData) {
  return runAction(createServiceUser, formObject(formData), { formData, message: (d) => `Created ${d.name}.` });
}

export async function updateServiceUserAction(_prev: Prev, formData: FormData) {
  const raw = formObject(formData);
  return runAction(
    updateServiceUser,
    { ...raw, expiresAt: raw.expiresAt ?? (raw.clearExpiry ? null : undefined), clearExpiry: undefined },
    { formData, message: () => 'Saved.' },
  );
}

export async function rotateKeyAction(_prev: Prev, formData: FormData) {
  return runAction(rotateServiceUserKey, formObject(formData), {
    formData,
    message: () => 'The old key stopped working. Store the new one now.',
  });
}

export async function setServiceUserActiveAction(formData: FormData) {
  return runAction(setServiceUserActive, { id: formData.get('id'), active: formData.get('active') === 'true' });
}

export async function deleteServiceUserAction(formData: FormData) {
  const result = await runAction(deleteServiceUser, { id: formData.get('id') });
  if (result.ok) await flashThenRedirect('Service user deleted.', '/service-users');
  return result;
}
