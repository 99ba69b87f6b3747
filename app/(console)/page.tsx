import Link from 'next/link';
import { listAudit } from '@/lib/audit/queries/events';
import { listCatalogs } from '@/lib/catalog/queries/catalogs';
import { overviewCounts } from '@/lib/catalog/queries/overview';
import { Badge, Card, EmptyState, PageHeader, linkClass } from '@/components/ui';
import { filtersFromParams } from '@/lib/audit/filters';
import { requireActor } from '@/lib/auth/session';
import { formatInstant } from '@/lib/format';
import { isRoot } from '@/lib/actor';

export const metadata = { title: 'Overview' };

const resultTone = { success: 'green', failure: 'yellow', denied: 'red' } as const;

export default async function OverviewPage() {
  const actor = await requireActor();
  const inTenant = !!actor.tenantId;
  const [counts, recent, catalogs] = await Promise.all([
    overviewCounts(actor),
    listAudit(actor, filtersFromParams({}), { limit: 8 }),
    inTenant ? listCatalogs(actor, { limit: 8 }) : Promise.resolve(null),
  ]);
  const tiles = [
    ...(isRoot(actor) && !inTenant ? [{ label: 'Tenants', value: counts.tenants, href: '/tenants' }] : []),
    { label: 'Catalogs', value: counts.catalogs, href: '/catalogs' },
    { label: 'Tables and views (main)', value: counts.assets, atLeast: counts.assetsAtLeast, href: '/search' },
    ...(counts.users === null ? [] : [{ label: 'Users', value: counts.users, href: '/users' }]),
    { label: 'Pending access requests', value: counts.pendingRequests, href: '/access-requests?status=pending' },
  ] as { label: string; value: number; atLeast?: boolean; href: string }[];
  return (
    <>
      <PageHeader
        title="Overview"
        description={`Signed in as ${actor.name}${
          isRoot(actor) && !inTenant
            ? counts.tenants
              ? ' · Root, all tenants (pick a tenant above to work inside one)'
              : ' · Root. There are no tenants yet: create the first under Tenants.'
            : ''
        }`}
      />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {tiles.map((t) => (
          <Link
            key={t.label}
            href={t.href}
            className="rounded-xl focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
          >
            <Card className="h-full transition hover:border-indigo-300 dark:hover:border-indigo-700">
              <p className="text-sm text-zinc-500">{t.label}</p>
              <p className="mt-1 text-2xl font-semibold tabular-nums">
                {t.value.toLocaleString('en-US')}
                {t.atLeast ? '+' : ''}
              </p>
            </Card>
          </Link>
        ))}
      </div>
      <div className="mt-6 grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Card title="Recent activity" className="lg:col-span-2">
          {recent.rows.length === 0 ? (
            <EmptyState
              title="Nothing has happened yet"
              description="Changes and sign-ins appear here as they happen."
            />
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {recent.rows.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm sm:flex-nowrap">
                  <time className="w-40 shrink-0 tabular-nums text-zinc-500" dateTime={e.occurredAt.toISOString()}>
                    {formatInstant(e.occurredAt)}
                  </time>
                  <span className="w-32 shrink-0 truncate">{e.actorName ?? 'system'}</span>
                  <code className="shrink-0 text-indigo-700 dark:text-indigo-300">{e.action}</code>
                  <span className="min-w-0 flex-1 truncate text-zinc-600 dark:text-zinc-400">
                    {e.resourceName ?? e.resourceId ?? ''}
                  </span>
                  <Badge tone={resultTone[e.result]}>{e.result}</Badge>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-3 text-sm">
            <Link className={linkClass()} href="/audit">
              Open the audit log →
            </Link>
          </p>
        </Card>
        <Card title="Catalogs">
          {!catalogs ? (
            <p className="text-sm text-zinc-500">Pick a tenant in the switcher above to see its catalogs.</p>
          ) : catalogs.rows.length === 0 ? (
            <EmptyState title="No catalogs yet" description="Create a warehouse, then a catalog on it." />
          ) : (
            <ul className="space-y-1 text-sm">
              {catalogs.rows.map((c) => (
                <li key={c.id} className="flex items-center justify-between gap-2">
                  <Link className={linkClass('truncate')} href={`/catalogs/${encodeURIComponent(c.name)}`}>
                    {c.name}
                  </Link>
                  <Badge tone={c.catalogType === 'federated' ? 'blue' : 'neutral'}>{c.catalogType}</Badge>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
