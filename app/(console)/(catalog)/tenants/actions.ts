'use server';

import type { ActionResult } from '@/lib/action-result';
import { runAction, flashThenRedirect } from '@/lib/action';
import { createTenant, deleteTenant, updateTenant } from '@/lib/catalog/tenants';
import { formInput } from '../_ui/form-input';

export async function createTenantAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  return runAction(createTenant, parsed.input, {
    formData,
    message: (t) =>
      t.generatedPassword
        ? `Tenant "${t.name}" created. The TenantAdmin "${t.adminUsername}" can sign in with this password, shown only now: ${t.generatedPassword}`
        : t.adminUsername
          ? `Tenant "${t.name}" created with TenantAdmin "${t.adminUsername}".`
          : `Tenant "${t.name}" created.`,
  });
}

export async function updateTenantAction(_prev: unknown, formData: FormData): Promise<ActionResult<unknown>> {
  const parsed = formInput(formData, ['properties']);
  if (!parsed.ok) return parsed.result;
  return runAction(updateTenant, parsed.input, { formData, message: () => 'Saved.' });
}

export async function deleteTenantAction(formData: FormData) {
  const parsed = formInput(formData);
  if (!parsed.ok) return parsed.result;
  const result = await runAction(deleteTenant, parsed.input);
  if (result.ok) await flashThenRedirect('Tenant deleted.', '/tenants');
  return result;
}
