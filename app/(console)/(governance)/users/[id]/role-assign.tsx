'use client';

import { ActionForm, SelectField } from '@/components/form';
import { assignRoleAction } from '../actions';

/** Assign one of the tenant's roles (those not yet held). */
export function AssignRoleForm({ userId, roles }: { userId: string; roles: { id: string; name: string }[] }) {
  if (!roles.length)
    return <p className="text-sm text-zinc-500">Every role is already assigned, or there are none yet.</p>;
  return (
    <ActionForm action={assignRoleAction} submitLabel="Assign role" submitVariant="secondary">
      <input type="hidden" name="userId" value={userId} />
      <SelectField name="roleId" label="Role" options={roles.map((r) => ({ value: r.id, label: r.name }))} />
    </ActionForm>
  );
}
