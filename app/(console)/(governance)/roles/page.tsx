import { Card, EmptyState, PageHeader } from '@/components/ui';
import { listRoles, type RoleSort } from '@/lib/governance/queries/roles';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { CreateRoleForm } from './forms';
import { RolesTable } from './roles-table';
import { NeedTenant } from '@/components/page-state';

export const metadata = { title: 'Roles' };

export default async function RolesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const actor = await requireActor();
  if (!actor.tenantId) {
    return (
      <>
        <PageHeader title="Roles" />
        <NeedTenant what="Roles" />
      </>
    );
  }
  if (!isTenantAdmin(actor)) {
    return (
      <>
        <PageHeader title="Roles" />
        <EmptyState
          title="Only TenantAdmins manage roles"
          description="Your own roles and what they give you are on your user page."
        />
      </>
    );
  }
  const sp = await searchParams;
  const sort = (sp.sort === 'createdAt' ? 'createdAt' : 'name') as RoleSort;
  const page = await listRoles(actor, { q: sp.q, sort, desc: sp.dir === 'desc', cursor: sp.cursor });
  return (
    <>
      <PageHeader
        title="Roles"
        description="Custom roles hold grants; assigning a role gives its grants to the person."
      />
      <div className="space-y-6">
        <RolesTable
          rows={page.rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }))}
          total={page.total}
          nextCursor={page.nextCursor}
          sort={{ id: sort, desc: sp.dir === 'desc' }}
        />
        <Card title="Create a role">
          <CreateRoleForm />
        </Card>
      </div>
    </>
  );
}
