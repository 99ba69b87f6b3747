'use client';

import { ActionForm, SelectField } from '@/components/form';
import { assignRoleAction } from '../users/actions';

/** Assign this role to a person of the tenant. */
export function AssignToUserForm({ roleId, users }: { roleId: string; users: { id: string; username: string }[] }) {
  if (!users.length) return <p className="text-sm text-zinc-500">Everyone who could have this role already has it.</p>;
  return (
    <ActionForm action={assignRoleAction} submitLabel="Assign role" submitVariant="secondary">
      <input type="hidden" name="roleId" value={roleId} />
      <SelectField name="userId" label="User" options={users.map((u) => ({ value: u.id, label: u.username }))} />
    </ActionForm>
  );
}
