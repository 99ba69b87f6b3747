import { Card, EmptyState, PageHeader } from '@/components/ui';
import { listServiceUsers, type ServiceUserSort } from '@/lib/governance/queries/service-users';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { CreateServiceUserForm } from './forms';
import { ServiceUsersTable } from './service-users-table';
import { keyStatus } from './status';
import { NeedTenant } from '@/components/page-state';

export const metadata = { title: 'Service users' };

export default async function ServiceUsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Service users" />
        <NeedTenant what="Service users" />
      </>
    );
  if (!isTenantAdmin(actor))
    return (
      <>
        <PageHeader title="Service users" />
        <EmptyState title="Only TenantAdmins manage service users" />
      </>
    );
  const sp = await searchParams;
  const sort = (sp.sort === 'createdAt' ? 'createdAt' : 'name') as ServiceUserSort;
  const page = await listServiceUsers(actor, {
    q: sp.q,
    status: sp.status,
    sort,
    desc: sp.dir === 'desc',
    cursor: sp.cursor,
  });
  const rows = page.rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    keyId: r.keyId,
    status: keyStatus(r),
    grantCount: r.grantCount,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
  return (
    <>
      <PageHeader
        title="Service users"
        description="Non-human accounts for scripts and pipelines. Their API key is shown once, when created or rotated."
      />
      <div className="space-y-6">
        <ServiceUsersTable
          rows={rows}
          total={page.total}
          nextCursor={page.nextCursor}
          sort={{ id: sort, desc: sp.dir === 'desc' }}
        />
        <Card title="Create a service user">
          <CreateServiceUserForm />
        </Card>
      </div>
    </>
  );
}
