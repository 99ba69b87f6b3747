'use client';

import { ActionForm, Field } from '@/components/form';
import { createRootAction } from './actions';

export function SetupForm() {
  return (
    <ActionForm action={createRootAction} submitLabel="Create Root account" className="mt-6 space-y-4">
      <Field
        name="token"
        label="Setup token"
        required
        autoComplete="off"
        maxLength={200}
        description="Printed in the server's log when it started (look for “setup token”)."
      />
      <Field name="username" label="Username" required autoComplete="username" maxLength={64} />
      <Field
        name="password"
        label="Password"
        type="password"
        required
        autoComplete="new-password"
        description="At least 12 characters."
      />
      <Field name="confirm" label="Confirm password" type="password" required autoComplete="new-password" />
    </ActionForm>
  );
}
