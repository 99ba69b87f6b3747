'use client';

import { ActionForm, Field, TextAreaField } from '@/components/form';
import { createRoleAction, updateRoleAction } from './actions';

export function CreateRoleForm() {
  return (
    <ActionForm action={createRoleAction} submitLabel="Create role">
      <Field name="name" label="Name" required maxLength={64} />
      <TextAreaField name="description" label="Description" maxLength={500} rows={2} />
    </ActionForm>
  );
}

export function EditRoleForm({ role }: { role: { id: string; name: string; description: string | null } }) {
  return (
    <ActionForm action={updateRoleAction} submitLabel="Save" submitVariant="secondary">
      <input type="hidden" name="id" value={role.id} />
      <Field name="name" label="Name" required maxLength={64} defaultValue={role.name} />
      <TextAreaField
        name="description"
        label="Description"
        maxLength={500}
        rows={2}
        defaultValue={role.description ?? ''}
      />
    </ActionForm>
  );
}
