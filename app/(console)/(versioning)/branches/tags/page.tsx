import { ActionForm, Field } from '@/components/form';
import { Card, PageHeader } from '@/components/ui';
import { getDb } from '@/db/client';
import { listTags, type TagSort } from '@/lib/versioning/queries/tags';
import { versionedCatalog } from '@/lib/versioning/queries/refs';
import { requireActor } from '@/lib/auth/session';
import { can } from '@/lib/authz';
import { createTagAction, deleteTagAction } from '../actions';
import { VersioningNav } from '../../_ui/nav';
import { attempt, NeedTenant, param, type SearchParams } from '@/components/page-state';
import { CatalogPicker } from '../../_ui/catalog-picker';
import { TagsTable } from './tags-table';

export const metadata = { title: 'Tags' };

export default async function TagsPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requireActor();
  const sp = await searchParams;
  const catalog = param(sp, 'catalog');
  const header = (
    <PageHeader
      title="Tags"
      description="Immutable names for commits: a tag never moves. Delete it to reuse its name."
    />
  );
  if (!actor.tenantId)
    return (
      <>
        {header}
        <NeedTenant what="Branches, tags and merges" />
      </>
    );
  if (!catalog)
    return (
      <>
        {header}
        <CatalogPicker actor={actor} base="/branches/tags" what="Tags" />
      </>
    );
  const sort = (param(sp, 'sort') === 'createdAt' ? 'createdAt' : 'name') as TagSort;
  const desc = param(sp, 'dir') === 'desc';
  const page = await attempt(() =>
    listTags(actor, catalog, { q: param(sp, 'q'), sort, desc, cursor: param(sp, 'cursor') }),
  );
  const c = page.ok ? await versionedCatalog(actor, catalog) : null;
  const db = await getDb();
  const [mayCreate, mayDelete] = c
    ? await Promise.all([
        can(db, actor, 'create', { tenantId: c.tenantId, catalogId: c.id }),
        can(db, actor, 'delete', { tenantId: c.tenantId, catalogId: c.id }),
      ])
    : [false, false];
  return (
    <>
      {header}
      <VersioningNav catalog={catalog} current="tags" />
      <div className="space-y-6">
        {page.ok ? (
          <TagsTable
            rows={page.value.rows.map((r) => ({ ...r, catalog, createdAt: r.createdAt.toISOString(), mayDelete }))}
            total={page.value.total}
            nextCursor={page.value.nextCursor}
            sort={{ id: sort, desc }}
            deleteAction={deleteTagAction}
          />
        ) : (
          page.view
        )}
        {mayCreate ? (
          <Card title="Create a tag">
            <ActionForm action={createTagAction} submitLabel="Create tag" resetOnSuccess>
              <input type="hidden" name="catalog" value={catalog} />
              <Field name="name" label="Tag name" required maxLength={128} />
              <Field
                name="ref"
                label="Commit"
                defaultValue="main"
                required
                description="A branch (its head now), another tag, or a commit id."
              />
              <Field name="message" label="Message" maxLength={2000} />
            </ActionForm>
          </Card>
        ) : null}
      </div>
    </>
  );
}
