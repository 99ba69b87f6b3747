import Link from 'next/link';
import { Badge, Card, KeyValueList, LinkButton, PageHeader, linkClass } from '@/components/ui';
import { getCommit } from '@/lib/versioning/queries/commits';
import { requireActor } from '@/lib/auth/session';
import { ChangesTable } from '../../changes-table';
import { changeDetails } from '@/lib/iceberg/queries/metadata-file';
import { catalogQs, tableAtHref } from '../../../_ui/format';
import { formatDateTime, shortId } from '@/lib/format';
import { VersioningNav } from '../../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';

export const metadata = { title: 'Commit' };

export default async function CommitPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const actor = await requireActor();
  const { id } = await params;
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Commit" />
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  if (!catalog)
    return (
      <>
        <PageHeader title="Commit" />
        <p className="text-sm">
          Open commits from a branch&apos;s history in{' '}
          <Link className="text-indigo-700 underline" href="/branches">
            Branches
          </Link>
          .
        </p>
      </>
    );
  const got = await attempt(() => getCommit(actor, catalog, id, { cursor: param(sp, 'cursor'), limit: 100 }));
  if (!got.ok)
    return (
      <>
        <PageHeader title={`Commit ${shortId(id)}`} />
        <VersioningNav catalog={catalog} current={null} />
        {got.view}
      </>
    );
  const { commit: c, tags, heads, changes, nextCursor } = got.value;
  const details = await changeDetails(actor, got.value.catalog.id, changes);
  const link = (to: string | null) =>
    to ? (
      <Link className={linkClass('font-mono')} href={`/branches/commits/${to}${catalogQs(catalog)}`} title={to}>
        {shortId(to)}
      </Link>
    ) : (
      'none (the first commit)'
    );
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Commit <span className="font-mono">{shortId(c.id)}</span>
            {c.mergeParentId ? <Badge tone="blue">merge</Badge> : null}
          </span>
        }
        description={c.message}
        actions={
          <>
            {c.parentId ? (
              <LinkButton href={`/branches/compare${catalogQs(catalog, { from: c.parentId, to: c.id })}`}>
                Compare with parent
              </LinkButton>
            ) : null}
            <LinkButton href={`/branches/browse${catalogQs(catalog, { ref: c.id })}`}>
              Browse the catalog at this commit
            </LinkButton>
          </>
        }
      />
      <VersioningNav catalog={catalog} current={null} />
      <Card title="Commit" className="mb-6">
        <KeyValueList
          items={[
            { label: 'Id', value: <code className="text-xs">{c.id}</code> },
            { label: 'Author', value: c.authorName },
            { label: 'When', value: formatDateTime(c.createdAt) },
            { label: 'Made on branch', value: c.branchName },
            { label: 'Parent', value: link(c.parentId) },
            ...(c.mergeParentId ? [{ label: 'Merged in', value: link(c.mergeParentId) }] : []),
            { label: 'Changes', value: c.changeCount.toLocaleString('en-US') },
            ...(tags.length
              ? [
                  {
                    label: 'Tags',
                    value: (
                      <span className="flex gap-1">
                        {tags.map((t) => (
                          <Badge key={t} tone="green">
                            {t}
                          </Badge>
                        ))}
                      </span>
                    ),
                  },
                ]
              : []),
            ...(heads.length ? [{ label: 'Head of', value: heads.join(', ') }] : []),
          ]}
        />
      </Card>
      <h2 className="mb-3 text-base font-semibold">Changes{c.mergeParentId ? ' brought by this merge' : ''}</h2>
      <ChangesTable
        rows={changes.map((ch) => ({
          assetId: ch.assetId,
          kind: ch.op,
          namespace: ch.namespace,
          name: ch.name,
          before: ch.before,
          after: ch.after,
          fields: ch.fields,
          ...details.get(ch.assetId),
          // The table as it was right after this commit (its page reads the metadata file it pointed at then).
          href: ch.after ? tableAtHref(catalog, ch.assetId, c.id) : undefined,
        }))}
        total={c.changeCount}
        nextCursor={nextCursor}
        emptyTitle={c.parentId ? 'This commit changed no table' : 'The first commit of a catalog changes nothing'}
      />
    </>
  );
}
