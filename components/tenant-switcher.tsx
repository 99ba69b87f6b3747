'use client';

import { useFormStatus } from 'react-dom';

function PendingHint() {
  const { pending } = useFormStatus();
  return pending ? (
    <span role="status" className="text-xs text-zinc-500 dark:text-zinc-400">
      Switching…
    </span>
  ) : null;
}

/**
 * Tenant selector for the header. Submits `tenantId` ("" = root view) to the
 * server action as soon as the selection changes.
 */
export function TenantSwitcher({
  tenants,
  currentTenantId,
  switchTenantAction,
}: {
  tenants: { id: string; name: string }[];
  currentTenantId: string | null;
  switchTenantAction: (formData: FormData) => Promise<void>;
}) {
  return (
    <form action={switchTenantAction} className="flex items-center gap-2">
      <label htmlFor="tenant-switcher" className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Tenant
      </label>
      <select
        // Remount when the server confirms a new tenant so defaultValue applies.
        key={currentTenantId ?? ''}
        id="tenant-switcher"
        name="tenantId"
        defaultValue={currentTenantId ?? ''}
        onChange={(e) => e.currentTarget.form?.requestSubmit()}
        className="h-8 max-w-[14rem] rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <option value="">All tenants (root view)</option>
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <noscript>
        <button type="submit" className="text-xs underline">
          Switch
        </button>
      </noscript>
      <PendingHint />
    </form>
  );
}
