'use client';

import { ActionForm, Field } from '@/components/form';
import { setPasswordAction } from './actions';

export function SetPasswordForm({ token }: { token: string }) {
  return (
    <ActionForm action={setPasswordAction} submitLabel="Set password" className="mt-6 space-y-4">
      <input type="hidden" name="token" value={token} />
      <Field
        name="password"
        label="New password"
        type="password"
        required
        autoComplete="new-password"
        description="At least 12 characters."
      />
      <Field name="confirm" label="Confirm password" type="password" required autoComplete="new-password" />
    </ActionForm>
  );
}
