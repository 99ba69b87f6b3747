import Link from 'next/link';
import { Card, linkClass } from '@/components/ui';
import { catalogSummary } from '@/lib/catalog/queries/catalogs';
import type { Actor } from '@/lib/actor';
import { formatDateTime } from '@/lib/format';

/** Headline figures of a catalog (streamed in: counting a big catalog must not hold up the page). */
export async function CatalogSummaryTiles({
  actor,
  catalogId,
  catalogName,
}: {
  actor: Actor;
  catalogId: string;
  catalogName: string;
}) {
  const s = await catalogSummary(actor, catalogId);
  const tiles = [
    { label: 'Namespaces', value: s.namespaces.toLocaleString('en-US') },
    { label: 'Tables (main)', value: s.tables.toLocaleString('en-US') },
    { label: 'Views (main)', value: s.views.toLocaleString('en-US') },
    {
      label: 'Branches',
      value: (
        <Link className={linkClass()} href={`/branches?catalog=${encodeURIComponent(catalogName)}`}>
          {s.branches.toLocaleString('en-US')}
        </Link>
      ),
    },
  ];
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5" aria-label="Catalog summary">
      {tiles.map((t) => (
        <Card key={t.label}>
          <p className="text-sm text-zinc-500">{t.label}</p>
          <p className="mt-1 text-2xl font-semibold tabular-nums">{t.value}</p>
        </Card>
      ))}
      <Card>
        <p className="text-sm text-zinc-500">Last commit</p>
        {s.lastCommit ? (
          <p className="mt-1 text-sm">
            <span className="line-clamp-2 font-medium">{s.lastCommit.message}</span>
            <span className="block text-xs text-zinc-500">
              {s.lastCommit.authorName} on {s.lastCommit.branchName}, {formatDateTime(s.lastCommit.createdAt)}
            </span>
          </p>
        ) : (
          <p className="mt-1 text-sm text-zinc-500">none</p>
        )}
      </Card>
    </div>
  );
}
