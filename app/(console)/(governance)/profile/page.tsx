import { Card, EmptyState, KeyValueList, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';
import { getUser } from '@/lib/governance/queries/users';
import { roleLabels } from '@/lib/governance/format';
import { PasswordForm, ProfileForm } from './profile-forms';

export const metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const actor = await requireActor();
  if (actor.kind !== 'user') {
    return (
      <>
        <PageHeader title="Profile" />
        <EmptyState title="Service users have no profile" description="Their TenantAdmins manage them." />
      </>
    );
  }
  const me = await getUser(actor, actor.id);
  return (
    <>
      <PageHeader title="Profile" description="Your own account." />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Account">
          <KeyValueList
            items={[
              { label: 'Username', value: me.username },
              { label: 'Role', value: roleLabels[me.role] ?? me.role },
            ]}
          />
          <div className="mt-4">
            <ProfileForm displayName={me.displayName} email={me.email} />
          </div>
        </Card>
        <Card title="Password">
          <PasswordForm username={me.username} />
        </Card>
      </div>
    </>
  );
}
