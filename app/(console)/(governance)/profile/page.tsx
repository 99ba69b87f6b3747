import { Card, EmptyState, KeyValueList, PageHeader } from '@/components/ui';
import { requireActor } from '@/lib/auth/session';
import { getUser } from '@/lib/governance/queries/users';
import { roleLabels } from '@/lib/governance/format';
import { PasswordForm, ProfileForm } from './profile-forms';
import { TwoFactorPanel } from './two-factor';
import { twoFactorRequiredFor } from '@/lib/auth/totp';

export const metadata = { title: 'Profile' };

export default async function ProfilePage() {
  const actor = await requireActor({ firstStepOk: true });
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
      {actor.mustChangePassword || actor.mustEnrolTwoFactor ? (
        <div
          role="status"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
        >
          {actor.mustChangePassword
            ? 'You signed in with a temporary password. Choose your own below to continue.'
            : 'Two-factor sign-in is required for your role. Set it up below to continue.'}
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
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
        <Card title="Two-factor sign-in">
          <TwoFactorPanel
            username={me.username}
            status={{
              enabled: me.twoFactorEnabledAt !== null,
              enabledAt: me.twoFactorEnabledAt,
              recoveryCodesLeft: me.recoveryCodesLeft,
              required: twoFactorRequiredFor(me.role),
            }}
          />
        </Card>
      </div>
    </>
  );
}
