import { Card, EmptyState, PageHeader } from '@/components/ui';
import { getSettings, ownEmail } from '@/lib/governance/queries/settings';
import { warehouseChoices } from '@/lib/catalog/queries/warehouses';
import { catalogChoices } from '@/lib/catalog/queries/catalogs';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { formatDateTime } from '@/lib/format';
import { SettingsForm } from './settings-form';
import { getSso } from '@/lib/governance/queries/sso';
import { SsoForm } from './sso-form';
import { TestMailForm } from './test-mail-form';
import { NeedTenant } from '@/components/page-state';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const actor = await requireActor();
  if (!actor.tenantId)
    return (
      <>
        <PageHeader title="Settings" />
        <NeedTenant what="Settings" />
      </>
    );
  if (!isTenantAdmin(actor))
    return (
      <>
        <PageHeader title="Settings" />
        <EmptyState title="Only TenantAdmins change settings" />
      </>
    );
  const [settings, warehouses, catalogs, sso, own] = await Promise.all([
    getSettings(actor),
    warehouseChoices(actor),
    catalogChoices(actor),
    getSso(actor),
    ownEmail(actor),
  ]);
  const { updatedAt, ...view } = settings;
  return (
    <>
      <PageHeader
        title="Settings"
        description={`This tenant's settings.${updatedAt ? ` Last changed ${formatDateTime(updatedAt)}.` : ''}`}
      />
      <Card>
        <SettingsForm settings={view} warehouses={warehouses} catalogs={catalogs} />
      </Card>
      {sso.provider ? (
        <div className="mt-6">
          <Card>
            <SsoForm policy={sso.policy} provider={sso.provider} />
          </Card>
        </div>
      ) : null}
      <div className="mt-6">
        <Card title="Send test mail">
          <TestMailForm defaultTo={own ?? ''} configured={!!view.smtp?.host && !!view.smtp.from} />
        </Card>
      </div>
    </>
  );
}
