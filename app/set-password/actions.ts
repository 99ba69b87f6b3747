'use server';

import type { ActionResult } from '@/lib/action-result';
import { formValues } from '@/lib/action';
import { currentRequestInfo } from '@/lib/auth/session';
import { toAppError } from '@/lib/errors';
import { LINK_GONE, linkActor, linkOwner, setPasswordByLink } from '@/lib/governance/password-links';
import { executeMutation } from '@/lib/mutation';

/** The link is the credential: its owner is the actor of the change (audited as user.set_password_by_link). */
export async function setPasswordAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const token = String(formData.get('token') ?? '');
  try {
    const owner = await linkOwner(token);
    if (!owner) return { ok: false, error: LINK_GONE };
    await executeMutation(setPasswordByLink, linkActor(owner, await currentRequestInfo()), {
      token,
      password: formData.get('password'),
      confirm: formData.get('confirm'),
    });
    return { ok: true, data: null, message: `Password set for ${owner.username}. Sign in with it now.` };
  } catch (err) {
    const e = toAppError(err);
    if (!e) throw err;
    const { password: _p, confirm: _c, token: _t, ...values } = formValues(formData);
    return { ok: false, error: e.message, fieldErrors: e.fieldErrors, values };
  }
}
