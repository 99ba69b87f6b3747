'use client';

import { ActionForm, Field, SelectField } from '@/components/form';
import { updateUserAction } from '../actions';

export function ProfileForm({
  user,
}: {
  user: { id: string; email: string | null; displayName: string | null; role: string };
}) {
  return (
    <ActionForm action={updateUserAction} submitLabel="Save" submitVariant="secondary">
      <input type="hidden" name="id" value={user.id} />
      <Field name="email" label="Email" type="email" defaultValue={user.email ?? ''} maxLength={254} />
      <Field name="displayName" label="Display name" defaultValue={user.displayName ?? ''} maxLength={200} />
      <SelectField
        name="role"
        label="Built-in role"
        defaultValue={user.role}
        options={[
          { value: 'tenant_user', label: 'TenantUser' },
          { value: 'tenant_admin', label: 'TenantAdmin' },
        ]}
      />
    </ActionForm>
  );
}
