'use server';

import { runAction } from '@/lib/action';
import { retryDelivery } from '@/lib/governance/webhooks';

export async function retryDeliveryAction(formData: FormData) {
  return runAction(retryDelivery, { id: formData.get('id') }, { message: () => 'Queued again: it is sent shortly.' });
}
