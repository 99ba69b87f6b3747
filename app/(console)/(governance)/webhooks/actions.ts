'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction } from '@/lib/action';
import { createWebhook, deleteWebhook } from '@/lib/governance/webhooks';

type Prev = ActionResult<unknown> | null;

/** The whsec_ secret is in the result once; the page never reads it back (it is stored encrypted). */
export async function createWebhookAction(_prev: Prev, formData: FormData) {
  return runAction(createWebhook, formObject(formData), {
    formData,
    message: () => 'Webhook created. Store its signing secret now: it is not shown again.',
  });
}

export async function deleteWebhookAction(formData: FormData) {
  return runAction(deleteWebhook, { id: formData.get('id') }, { message: () => 'Webhook deleted.' });
}
