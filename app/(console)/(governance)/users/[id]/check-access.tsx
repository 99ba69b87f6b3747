'use client';

import { ActionForm, SelectField, useActionFormState } from '@/components/form';
import type { ScopeOption } from '@/lib/governance/queries/scopes';
import { ScopePicker } from '../../roles/scope-picker';
import { checkAccessAction } from '../actions';

const ACTIONS = [
  'read',
  'list',
  'write',
  'create',
  'update',
  'delete',
  'manage-discovery',
  'ingest-branching',
  'experimental-branching',
];

function Verdict() {
  const ctx = useActionFormState();
  const s = ctx?.state;
  if (!s?.ok) return null;
  const d = s.data as { allowed: boolean; reason: string; scope: string };
  return (
    <div
      role="status"
      className={`rounded-md border px-3 py-2 text-sm ${d.allowed ? 'border-green-300 bg-green-50 text-green-900 dark:bg-green-500/10 dark:text-green-200' : 'border-red-300 bg-red-50 text-red-900 dark:bg-red-500/10 dark:text-red-200'}`}
    >
      <p className="font-semibold">
        {d.allowed ? 'Allowed' : 'Refused'} on {d.scope}
      </p>
      <p>{d.reason}</p>
    </div>
  );
}

/** "May this user do A here, and why?" evaluated by the same code that guards every request. */
export function CheckAccess({ userId, catalogs }: { userId: string; catalogs: ScopeOption[] }) {
  return (
    <ActionForm action={checkAccessAction} submitLabel="Check" submitVariant="secondary">
      <input type="hidden" name="userId" value={userId} />
      <SelectField
        name="action"
        label="Action"
        options={ACTIONS.map((a) => ({ value: a, label: a }))}
        defaultValue="read"
      />
      <ScopePicker catalogs={catalogs} tags={[]} types={['catalog', 'namespace', 'asset']} />
      <Verdict />
    </ActionForm>
  );
}
