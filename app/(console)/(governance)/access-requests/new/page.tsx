import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge, Card, EmptyState, PageHeader, linkClass } from '@/components/ui';
import { assetForRequest, discoverableAssets } from '@/lib/governance/queries/scopes';
import { requireActor } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { RequestForm, SearchBox } from './request-form';
import { NeedTenant } from '@/components/page-state';

export const metadata = { title: 'Request access' };

export default async function NewRequestPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Request access" />
        <NeedTenant what="Access requests" />
      </>
    );
  const sp = await searchParams;
  if (sp.asset) {
    let asset;
    try {
      asset = await assetForRequest(actor, sp.asset);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') notFound();
      throw err;
    }
    const label = `${asset.catalogName}.${asset.namespacePath?.join('.') ?? ''}.${asset.name}`;
    return (
      <>
        <PageHeader title="Request access" description={label} />
        <Card>
          {asset.hasRead ? (
            <p className="mb-4 text-sm">You can already read this table; ask only if you need more (write).</p>
          ) : null}
          <RequestForm assetId={asset.id} />
        </Card>
      </>
    );
  }
  const page = await discoverableAssets(actor, { q: sp.q, cursor: sp.cursor });
  return (
    <>
      <PageHeader
        title="Request access"
        description="Tables marked discoverable by their stewards, and tables you can already see."
      />
      <div className="mb-4">
        <SearchBox initial={sp.q ?? ''} />
      </div>
      {page.rows.length ? (
        <ul
          className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900"
          aria-label="Discoverable tables"
        >
          {page.rows.map((r) => (
            <li key={r.assetId} className="flex items-center justify-between gap-4 px-4 py-3">
              <div className="min-w-0">
                <p className="font-medium">
                  {r.catalogName}.{r.namespacePath.join('.')}.{r.name}
                </p>
                {r.description ? (
                  <p className="truncate text-sm text-zinc-600 dark:text-zinc-400">{r.description}</p>
                ) : null}
                <div className="mt-1 flex flex-wrap gap-1">
                  {r.tags.map((t) => (
                    <Badge key={t}>{t}</Badge>
                  ))}
                </div>
              </div>
              {r.hasRead ? (
                <Badge tone="green">you can read this</Badge>
              ) : (
                <Link
                  className={linkClass('shrink-0 text-sm')}
                  href={`/access-requests/new?asset=${r.assetId}`}
                  aria-label={`Request access to ${r.name}`}
                >
                  Request access
                </Link>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState
          title="No discoverable tables"
          description={
            sp.q ? 'Nothing matches that name.' : 'Stewards mark tables as discoverable in their business metadata.'
          }
        />
      )}
      {page.nextCursor ? (
        <p className="mt-3 text-sm">
          <Link
            className={linkClass()}
            href={`/access-requests/new?${new URLSearchParams({ ...(sp.q ? { q: sp.q } : {}), cursor: page.nextCursor })}`}
          >
            Next page
          </Link>
        </p>
      ) : null}
    </>
  );
}
