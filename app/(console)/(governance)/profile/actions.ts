'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction } from '@/lib/action';
import { changePassword, updateProfile } from '@/lib/governance/profile';
import {
  disableTwoFactor,
  enableTwoFactor,
  regenerateRecoveryCodes,
  startTwoFactor,
} from '@/lib/governance/two-factor';

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

export async function startTwoFactorAction(_prev: Prev, _formData: FormData) {
  return runAction(startTwoFactor, {});
}

export async function enableTwoFactorAction(_prev: Prev, formData: FormData) {
  return runAction(enableTwoFactor, formObject(formData), {
    formData,
    message: () => 'Two-factor sign-in is on. Store your recovery codes now.',
  });
}

export async function regenerateRecoveryCodesAction(_prev: Prev, formData: FormData) {
  return runAction(regenerateRecoveryCodes, formObject(formData), {
    message: () => 'New recovery codes: the old ones no longer work.',
  });
}

export async function disableTwoFactorAction(_prev: Prev, formData: FormData) {
  return runAction(disableTwoFactor, formObject(formData), { message: () => 'Two-factor sign-in is off.' });
}
