'use server';

import { formObject, runAction } from '@/lib/action';
import { cancelBackend, terminateBackend } from '@/lib/health/mutations';

/** Cancels a backend's running statement (Root only; audited by the mutation). */
export async function cancelBackendAction(formData: FormData) {
  return runAction(cancelBackend, formObject(formData), {
    formData,
    message: (d) => `Cancelled the statement of backend ${d.pid}`,
  });
}

/** Ends a backend's session, rolling back its transaction (Root only; audited by the mutation). */
export async function terminateBackendAction(formData: FormData) {
  return runAction(terminateBackend, formObject(formData), { formData, message: (d) => `Terminated backend ${d.pid}` });
}
