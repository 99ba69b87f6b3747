'use client';

import { ActionForm, CheckboxField, Field, SelectField, TextAreaField, DateField } from '@/components/form';
import { SecretOnce } from '@/components/secret-once';
import { createServiceUserAction, rotateKeyAction, updateServiceUserAction } from './actions';

const ROLES = [
  { value: 'tenant_user', label: 'TenantUser (only its grants)' },
  { value: 'tenant_admin', label: 'TenantAdmin (everything in this tenant)' },
];

export function CreateServiceUserForm() {
  return (
    <ActionForm action={createServiceUserAction} submitLabel="Create service user" resetOnSuccess>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" required maxLength={64} autoComplete="off" />
        <SelectField name="role" label="Role" options={ROLES} />
        <DateField name="expiresAt" label="Key expires on (optional)" />
      </div>
      <TextAreaField name="description" label="Description" maxLength={500} rows={2} />
      <SecretOnce field="apiKey" label="API key" />
    </ActionForm>
  );
}

export function EditServiceUserForm({
  su,
}: {
  su: { id: string; name: string; description: string | null; role: string; expiresAt: string | null };
}) {
  return (
    <ActionForm action={updateServiceUserAction} submitLabel="Save" submitVariant="secondary">
      <input type="hidden" name="id" value={su.id} />
      <Field name="name" label="Name" required maxLength={64} defaultValue={su.name} />
      <SelectField name="role" label="Role" options={ROLES} defaultValue={su.role} />
      <DateField
        name="expiresAt"
        label="New expiry date"

        description={`Currently: ${su.expiresAt ? su.expiresAt.slice(0, 10) : 'never expires'}. Leave empty to keep it.`}
      />
      <CheckboxField name="clearExpiry" label="Never expires" />
      <TextAreaField
        name="description"
        label="Description"
        maxLength={500}
        rows={2}
        defaultValue={su.description ?? ''}
      />
    </ActionForm>
  );
}

export function RotateKeyForm({ id }: { id: string }) {
  return (
    <ActionForm action={rotateKeyAction} submitLabel="Rotate key" submitVariant="secondary" resetOnSuccess>
      <input type="hidden" name="id" value={id} />
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        A new key replaces the current one at once: anything still using the old key is refused from its next request.
      </p>
      <SecretOnce field="apiKey" label="New API key" />
    </ActionForm>
  );
}
