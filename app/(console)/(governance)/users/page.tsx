import { mailsLinks } from '@/lib/governance/queries/settings';
import Link from 'next/link';
import { Card, EmptyState, PageHeader, linkClass } from '@/components/ui';
import { listUsers, type UserSort } from '@/lib/governance/queries/users';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { CreateUserForm } from './forms';
import { UsersTable } from './users-table';
import { NeedTenant } from '@/components/page-state';

export const metadata = { title: 'Users' };

type Search = Promise<Record<string, string | undefined>>;

export default async function UsersPage({ searchParams }: { searchParams: Search }) {
  const actor = await requireActor();
  if (!actor.tenantId) {
    return (
      <>
        <PageHeader title="Users" />
        <NeedTenant what="Users" />
      </>
    );
  }
  if (!isTenantAdmin(actor)) {
    return (
      <>
        <PageHeader title="Users" />
        <EmptyState
          title="Only TenantAdmins manage users"
          description="You can see what you yourself may do, and why."
          action={
            <Link className={linkClass()} href={`/users/${actor.id}`}>
              My permissions
            </Link>
          }
        />
      </>
    );
  }
  const sp = await searchParams;
  const sort = (sp.sort === 'createdAt' ? 'createdAt' : 'username') as UserSort;
  const mail = await mailsLinks(actor);
  const page = await listUsers(actor, {
    q: sp.q,
    role: sp.role,
    status: sp.status,
    sort,
    desc: sp.dir === 'desc',
    cursor: sp.cursor,
  });
  const rows = page.rows.map((r) => ({
    ...r,
    lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
  return (
    <>
      <PageHeader
        title="Users"
        description="People in this tenant: their built-in role, custom roles, status and last sign-in."
      />
      <div className="space-y-6">
        <UsersTable
          rows={rows}
          total={page.total}
          nextCursor={page.nextCursor}
          sort={{ id: sort, desc: sp.dir === 'desc' }}
        />
        <Card title="Create or invite a user">
          <CreateUserForm mail={mail} />
        </Card>
      </div>
    </>
  );
}
