'use server';

import type { ActionResult } from '@/lib/action-result';
import { formValues } from '@/lib/action';
import { currentRequestInfo } from '@/lib/auth/session';
import { toAppError } from '@/lib/errors';
import { requestPasswordReset } from '@/lib/governance/password-links';

/** The same answer for every name or address (throttled like sign-in); lib/governance/password-links audits it. */
export async function forgotPasswordAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  try {
    const message = await requestPasswordReset(formData.get('identifier'), await currentRequestInfo());
    return { ok: true, data: null, message };
  } catch (err) {
    const e = toAppError(err);
    if (!e) throw err;
    return { ok: false, error: e.message, fieldErrors: e.fieldErrors, values: formValues(formData) };
  }
}
