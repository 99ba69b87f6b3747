'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction, flashThenRedirect } from '@/lib/action';
import { cancelAccessRequest, createAccessRequest, decideAccessRequest } from '@/lib/governance/access-requests';

type Prev = ActionResult<unknown> | null;

export async function requestAccessAction(_prev: Prev, formData: FormData) {
  const result = await runAction(createAccessRequest, formObject(formData), { formData });
  if (result.ok)
    await flashThenRedirect('Access requested: the stewards will decide.', `/access-requests/${result.data.id}`);
  return result;
}

/** Approve or reject (the pressed button names the decision). */
export async function decideAction(_prev: Prev, formData: FormData) {
  return runAction(decideAccessRequest, formObject(formData), {
    formData,
    message: (d) => (d.status === 'approved' ? 'Approved: the access was granted.' : 'Rejected.'),
  });
}

export async function cancelRequestAction(formData: FormData) {
  return runAction(cancelAccessRequest, { id: formData.get('id') });
}
