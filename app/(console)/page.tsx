import { overviewCounts } from '@/db/queries/overview';
import { requireActor } from '@/lib/auth/session';
import { Card, PageHeader } from '@/components/ui';

export const metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const actor = await requireActor();
  const counts = await overviewCounts(actor);
  const tiles = [
    ...(actor.role === 'root' && !actor.tenantId ? [{ label: 'Tenants', value: counts.tenants }] : []),
    { label: 'Catalogs', value: counts.catalogs },
    { label: 'Tables and views (main)', value: counts.assets },
    { label: 'Users', value: counts.users },
    { label: 'Pending access requests', value: counts.pendingRequests },
  ];
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${actor.name}`} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {tiles.map((t) => (
          <Card key={t.label}>
            <p className="text-sm text-zinc-500">{t.label}</p>
            <p className="mt-1 text-2xl font-semibold tabular-nums">{t.value.toLocaleString('en-US')}</p>
          </Card>
        ))}
      </div>
    </>
  );
}
