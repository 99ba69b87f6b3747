'use client';

import { ActionForm, Field } from '@/components/form';
import { changePasswordAction, updateProfileAction } from './actions';

export function ProfileForm({ displayName, email }: { displayName: string | null; email: string | null }) {
  return (
    <ActionForm action={updateProfileAction} submitLabel="Save profile">
      <Field
        name="displayName"
        label="Display name"
        defaultValue={displayName ?? ''}
        maxLength={200}
        autoComplete="name"
      />
      <Field name="email" label="E-mail" type="email" defaultValue={email ?? ''} maxLength={254} autoComplete="email" />
    </ActionForm>
  );
}

export function PasswordForm({ username }: { username: string }) {
  return (
    <ActionForm action={changePasswordAction} submitLabel="Change password" resetOnSuccess>
      {/* For password managers: which account this password belongs to. */}
      <input type="text" value={username} autoComplete="username" readOnly hidden />
      <Field name="currentPassword" label="Current password" type="password" required autoComplete="current-password" />
      <Field
        name="password"
        label="New password"
        type="password"
        required
        autoComplete="new-password"
        description="At least 12 characters. Your other sessions are signed out; this one stays."
      />
      <Field name="confirm" label="Confirm new password" type="password" required autoComplete="new-password" />
    </ActionForm>
  );
}
