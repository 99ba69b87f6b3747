'use client';

import { ActionForm, Field } from '@/components/form';
import { sendTestMailAction } from './actions';

/** Sends one message now through the saved SMTP settings and shows the server's answer (or the error) beside it. */
export function TestMailForm({ defaultTo, configured }: { defaultTo: string; configured: boolean }) {
  if (!configured)
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Save an SMTP host and a sender address above, then send a test mail from here.
      </p>
    );
  return (
    <ActionForm action={sendTestMailAction} submitLabel="Send test mail" submitVariant="secondary">
      <Field
        name="to"
        label="Send to"
        type="email"
        required
        defaultValue={defaultTo}
        maxLength={254}
        description="Uses the saved settings (save changes first). The SMTP server's answer is shown here."
      />
    </ActionForm>
  );
}
