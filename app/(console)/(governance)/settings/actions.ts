'use server';

import type { ActionResult } from '@/lib/action-result';
import { runAction } from '@/lib/action';
import { updateSettings } from '@/lib/governance/settings';

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
