'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction } from '@/lib/action';
import { changePassword, updateProfile } from '@/lib/governance/profile';

type Prev = ActionResult<unknown> | null;

export async function updateProfileAction(_prev: Prev, formData: FormData) {
  return runAction(updateProfile, formObject(formData), { formData, message: () => 'Saved.' });
}

export async function changePasswordAction(_prev: Prev, formData: FormData) {
  return runAction(changePassword, formObject(formData), {
    formData,
    message: (d) =>
      d.signedOutElsewhere
        ? `Password changed. ${d.signedOutElsewhere === 1 ? 'One other session was' : `${d.signedOutElsewhere} other sessions were`} signed out.`
        : 'Password changed.',
  });
}
