'use server';

import type { ActionResult } from '@/lib/action-result';
import { guarded, runAction } from '@/lib/action';
import { sendTestMail, updateSettings } from '@/lib/governance/settings';

/**
 * The form sends every field: an unticked box means false, an empty SMTP host turns mail off, an empty
 * password keeps the stored one.
 */
export async function updateSettingsAction(_prev: ActionResult<unknown> | null, formData: FormData) {
  const text = (k: string) => String(formData.get(k) ?? '');
  return runAction(
    updateSettings,
    {
      allowPublicSignup: formData.has('allowPublicSignup'),
      defaultWarehouseId: text('defaultWarehouseId'),
      defaultCatalogId: text('defaultCatalogId'),
      auditRetentionDays: text('auditRetentionDays'),
      smtpHost: text('smtpHost'),
      smtpPort: text('smtpPort'),
      smtpUsername: text('smtpUsername'),
      smtpFrom: text('smtpFrom'),
      smtpSecure: formData.has('smtpSecure'),
      smtpPassword: text('smtpPassword') || undefined,
      clearSmtpPassword: formData.has('clearSmtpPassword'),
    },
    { formData, message: () => 'Settings saved.' },
  );
}

/** "Send test mail": the relay's answer, or why it failed, beside the button. */
export async function sendTestMailAction(
  _prev: ActionResult<unknown> | null,
  formData: FormData,
): Promise<ActionResult<unknown>> {
  const result = await guarded((actor) => sendTestMail(actor, formData.get('to')));
  if (!result.ok) return { ...result, values: { to: String(formData.get('to') ?? '') } };
  return result.data.ok
    ? { ok: true, data: null, message: result.data.message }
    : { ok: false, error: result.data.message, values: { to: String(formData.get('to') ?? '') } };
}
