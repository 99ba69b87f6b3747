import 'server-only';
import Link from 'next/link';
import { EmptyState } from '@/components/ui';

export { attempt, param, type SearchParams } from '@/components/page-state';
import { listVersionedCatalogs } from '@/lib/versioning/queries/branches';
import type { Actor } from '@/lib/actor';




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
