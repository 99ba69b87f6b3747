'use client';

import { ActionForm, CheckboxField, Field, SelectField } from '@/components/form';
import type { TenantSettingsView } from '@/lib/governance/settings';
import { updateSettingsAction } from './actions';

type View = Omit<TenantSettingsView, 'updatedAt'>;

type Choice = { id: string; name: string };

export function SettingsForm({
  settings,
  warehouses,
  catalogs,
}: {
  settings: View;
  warehouses: Choice[];
  catalogs: Choice[];
}) {
  const smtp = settings.smtp;
  return (
    <ActionForm action={updateSettingsAction} submitLabel="Save settings">
      <section className="space-y-4">
        <h2 className="text-sm font-semibold">Access</h2>
        <CheckboxField
          name="allowPublicSignup"
          label="Allow public sign-up"
          defaultChecked={settings.allowPublicSignup}
          description="Anyone may create a TenantUser account in this tenant (POST /api/v1/users/signup). They get no grants."
        />
      </section>
      <section className="space-y-4">
        <h2 className="text-sm font-semibold">Catalogs</h2>
        <SelectField
          name="defaultWarehouseId"
          label="Default warehouse"
          defaultValue={settings.defaultWarehouseId ?? ''}
          options={[
            { value: '', label: warehouses.length ? 'None' : 'No warehouses yet' },
            ...warehouses.map((w) => ({ value: w.id, label: w.name })),
          ]}
          description="Pre-selected when creating a catalog, and used when the API creates a local catalog without naming one."
        />
        <SelectField
          name="defaultCatalogId"
          label="Default catalog"
          defaultValue={settings.defaultCatalogId ?? ''}
          options={[
            { value: '', label: catalogs.length ? 'None' : 'No catalogs yet' },
            ...catalogs.map((c) => ({ value: c.id, label: c.name })),
          ]}
          description="What Iceberg clients get from GET /v1/config when they name no warehouse. Without one, that works only while the tenant has a single catalog."
        />
      </section>
      <section className="space-y-4">
        <h2 className="text-sm font-semibold">Audit</h2>
        <Field
          name="auditRetentionDays"
          label="Keep audit records for (days)"
          type="number"
          min={1}
          max={36500}
          required
          defaultValue={settings.auditRetentionDays}
        />
      </section>
      <section className="space-y-4">
        <h2 className="text-sm font-semibold">Mail (SMTP): invitations, password resets, access requests</h2>
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field
            name="smtpHost"
            label="SMTP host"
            defaultValue={smtp?.host ?? ''}
            maxLength={253}
            description="Leave empty to turn mail off."
          />
          <Field name="smtpPort" label="Port" type="number" min={1} max={65535} defaultValue={smtp?.port ?? 587} />
          <Field
            name="smtpUsername"
            label="User name"
            defaultValue={smtp?.username ?? ''}
            maxLength={200}
            autoComplete="off"
          />
          <Field name="smtpFrom" label="Sender address" type="email" defaultValue={smtp?.from ?? ''} maxLength={254} />
        </div>
        <CheckboxField name="smtpSecure" label="Use TLS" defaultChecked={smtp?.secure ?? true} />
        <Field
          name="smtpPassword"
          label="SMTP password"
          type="password"
          autoComplete="new-password"
          description={
            settings.smtpPasswordSet
              ? 'A password is stored (encrypted). Leave empty to keep it.'
              : 'No password stored.'
          }
        />
        {settings.smtpPasswordSet ? (
          <CheckboxField name="clearSmtpPassword" label="Remove the stored password" />
        ) : null}
      </section>
    </ActionForm>
  );
}
