import 'server-only';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { EmptyState, ErrorState } from '@/components/ui';
import { listVersionedCatalogs } from '@/db/queries/branches';
import type { Actor } from '@/lib/actor';
import { toAppError } from '@/lib/errors';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** First value of a search parameter. */
export const param = (sp: Record<string, string | string[] | undefined>, key: string): string | undefined => {
  const v = sp[key];
  return (Array.isArray(v) ? v[0] : v) || undefined;
};

/** Runs a read; refusals, bad input and "not found" become a message on the page, anything else the error page. */
export async function attempt<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; view: ReactNode }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const e = toAppError(err);
    if (!e || e.status >= 500) throw err;
    const title = e.code === 'not_found' ? 'Not found' : e.code === 'forbidden' ? 'Not allowed' : 'This cannot be shown';
    return { ok: false, view: <ErrorState title={title} message={e.message} /> };
  }
}

/** Root in the all-tenants view must pick a tenant first. */
export function NeedTenant() {
  return <EmptyState title="Choose a tenant first" description="Branches and merges belong to a tenant's catalogs. Pick a tenant with the Tenant switcher at the top of the page." />;
}

/** The catalogs whose versioning the actor may see, as links to `base?catalog=…`. */
export async function CatalogPicker({ actor, base, what }: { actor: Actor; base: string; what: string }) {
  const catalogs = await listVersionedCatalogs(actor);
  if (!catalogs.length) {
    return <EmptyState title="No catalog to show" description={`There is no catalog you may read in this tenant yet. ${what} appear once a catalog exists.`} />;
  }
  return (
    <section aria-label="Choose a catalog" className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold dark:border-zinc-800">Choose a catalog</h2>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {catalogs.map((c) => (
          <li key={c.id} className="flex items-center justify-between px-4 py-2.5 text-sm">
            <Link className="font-medium text-indigo-700 hover:underline dark:text-indigo-400" href={`${base}?catalog=${encodeURIComponent(c.name)}`}>{c.name}</Link>
            <span className="text-zinc-500">{c.branchCount} branch{c.branchCount === 1 ? '' : 'es'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
