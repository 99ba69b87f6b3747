'use client';

import { ActionForm, Field, SelectField } from '@/components/form';
import { createUserAction, resetPasswordAction } from './actions';
import { SecretOnce } from '@/components/secret-once';

/** `mail`: the tenant mails invitations (SMTP set up and the console's public URL known). */
export function CreateUserForm({ mail }: { mail: boolean }) {
  return (
    <ActionForm action={createUserAction} submitLabel="Create user" resetOnSuccess>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field name="username" label="Username" required maxLength={64} autoComplete="off" />
        <Field name="email" label="Email" type="email" maxLength={254} autoComplete="off" />
        <Field name="displayName" label="Display name" maxLength={200} />
        <SelectField
          name="role"
          label="Built-in role"
          options={[
            { value: 'tenant_user', label: 'TenantUser' },
            { value: 'tenant_admin', label: 'TenantAdmin' },
          ]}
        />
      </div>
      <Field
        name="password"
        label="Initial password (optional)"
        type="password"
        autoComplete="new-password"
        description={
          mail
            ? 'Leave empty to invite: with an e-mail address, a one-time link to choose a password is mailed (valid 72 hours). Without one, a temporary password is generated and shown once.'
            : 'Leave empty to invite: a temporary password is generated and shown once (mail is not set up in Settings, so nothing is mailed).'
        }
      />
      <SecretOnce field="temporaryPassword" label="Temporary password" />
    </ActionForm>
  );
}

export function ResetPasswordForm({ userId }: { userId: string }) {
  return (
    <ActionForm action={resetPasswordAction} submitLabel="Reset password" submitVariant="secondary" resetOnSuccess>
      <input type="hidden" name="id" value={userId} />
      <Field
        name="password"
        label="New password (optional)"
        type="password"
        autoComplete="new-password"
        description="Leave empty to generate a temporary one. Their sessions are signed out either way."
      />
      <SecretOnce field="temporaryPassword" label="Temporary password" />
    </ActionForm>
  );
}
