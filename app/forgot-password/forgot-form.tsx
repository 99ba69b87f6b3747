'use client';

import { ActionForm, Field } from '@/components/form';
import { forgotPasswordAction } from './actions';

export function ForgotPasswordForm() {
  return (
    <ActionForm action={forgotPasswordAction} submitLabel="Mail me a link" className="mt-6 space-y-4">
      <Field name="identifier" label="User name or e-mail address" required autoComplete="username" maxLength={254} />
    </ActionForm>
  );
}
