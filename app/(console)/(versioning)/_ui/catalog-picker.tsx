import 'server-only';
import Link from 'next/link';
import { EmptyState, linkClass } from '@/components/ui';

import { listVersionedCatalogs } from '@/lib/versioning/queries/branches';
import type { Actor } from '@/lib/actor';

/** The catalogs whose versioning the actor may see, as links to `base?catalog=…`. */
export async function CatalogPicker({ actor, base, what }: { actor: Actor; base: string; what: string }) {
  const catalogs = await listVersionedCatalogs(actor);
  if (!catalogs.length) {
    return (
      <EmptyState
        title="No catalog to show"
        description={`There is no catalog you may read in this tenant yet. ${what} appear once a catalog exists.`}
      />
    );
  }
  return (
    <section
      aria-label="Choose a catalog"
      className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h2 className="border-b border-zinc-200 px-4 py-3 text-sm font-semibold dark:border-zinc-800">
        Choose a catalog
      </h2>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {catalogs.map((c) => (
          <li key={c.id} className="flex items-center justify-between px-4 py-2.5 text-sm">
            <Link className={linkClass('font-medium')} href={`${base}?catalog=${encodeURIComponent(c.name)}`}>
              {c.name}
            </Link>
            <span className="text-zinc-500">
              {c.branchCount} branch{c.branchCount === 1 ? '' : 'es'}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
