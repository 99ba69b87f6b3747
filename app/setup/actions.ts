'use server';

import { redirect } from 'next/navigation';
import type { ActionResult } from '@/lib/action-result';
import { formObject, formValues } from '@/lib/action';
import { currentRequestInfo } from '@/lib/auth/session';
import { toAppError } from '@/lib/errors';
import { createFirstRoot } from '@/lib/setup';

export async function createRootAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  try {
    await createFirstRoot(formObject(formData), await currentRequestInfo());
  } catch (err) {
    const e = toAppError(err);
    if (!e) throw err;
    return { ok: false, error: e.message, fieldErrors: e.fieldErrors, values: formValues(formData) };
  }
  redirect('/login');
}
