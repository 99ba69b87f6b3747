'use client';

import { ActionForm, DateField } from '@/components/form';
import type { ActionResult } from '@/lib/action-result';
import type { ScopeOption } from '@/lib/governance/queries/scopes';
import { ScopePicker } from './scope-picker';

const ACTIONS: { value: string; hint: string }[] = [
  { value: 'list', hint: 'see names' },
  { value: 'read', hint: 'read data and metadata; includes list' },
  { value: 'create', hint: 'create tables and namespaces' },
  { value: 'update', hint: 'change tables' },
  { value: 'delete', hint: 'drop tables' },
  { value: 'write', hint: 'read, create, update, delete and list' },
  { value: 'ingest-branching', hint: 'create ingest branches' },
  { value: 'experimental-branching', hint: 'create experimental branches' },
  { value: 'manage-discovery', hint: 'edit business metadata, decide access requests' },
  { value: 'all', hint: 'everything above' },
];

/** A grant builder: pick a scope by browsing, pick actions, optionally an end date; adds one grant. */
export function GrantBuilder({
  action,
  grantee,
  catalogs,
  tags,
  submitLabel = 'Add grant',
}: {
  action: (prev: ActionResult<unknown> | null, formData: FormData) => Promise<ActionResult<unknown>>;
  grantee: { userId?: string; serviceUserId?: string; roleId?: string };
  catalogs: ScopeOption[];
  tags: string[];
  submitLabel?: string;
}) {
  return (
    <ActionForm action={action} submitLabel={submitLabel}>
      {Object.entries(grantee).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <ScopePicker catalogs={catalogs} tags={tags} />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Actions</legend>
        <div className="grid grid-cols-1 gap-1 sm:grid-cols-2">
          {ACTIONS.map((a) => (
            <label key={a.value} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="actions"
                value={a.value}
                defaultChecked={a.value === 'read'}
                className="mt-0.5 accent-indigo-600"
              />
              <span>
                <span className="font-medium">{a.value}</span> <span className="text-xs text-zinc-500">— {a.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <DateField
        name="expiresAt"

        label="Expires on (optional)"
        description="The grant stops working after this day."
      />
    </ActionForm>
  );
}
