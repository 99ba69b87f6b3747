import Link from 'next/link';
import {
  configValue,
  secretFieldLabels,
  storageConfigLabels,
  storageTypeLabels,
  vendingLabels,
} from '@/lib/catalog/format';
import { ActionForm } from '@/components/form';
import { ConfirmButton } from '@/components/confirm-button';
import { Card, KeyValueList, PageHeader, linkClass } from '@/components/ui';
import { getWarehouse } from '@/lib/catalog/queries/warehouses';
import { requireActor } from '@/lib/auth/session';
import { isTenantAdmin } from '@/lib/authz';
import { formatDateTime } from '@/lib/format';
import { attempt, NeedTenant } from '@/components/page-state';
import { deleteWarehouseAction, updateWarehouseAction } from '../actions';
import { WarehouseFields } from '../warehouse-fields';

export const metadata = { title: 'Warehouse' };

export default async function WarehousePage({ params }: { params: Promise<{ warehouse: string }> }) {
  const actor = await requireActor();
  if (!actor.tenantId) return <NeedTenant what="Warehouses" />;
  const name = decodeURIComponent((await params).warehouse);
  const loaded = await attempt(() => getWarehouse(actor, name));
  if (!loaded.ok) return loaded.view;
  const w = loaded.value;
  const admin = isTenantAdmin(actor);
  const inUse = w.catalogCount > 0;
  return (
    <>
      <PageHeader
        title={w.name}
        description={`${storageTypeLabels[w.storageType] ?? w.storageType} warehouse`}
        actions={
          admin ? (
            <ConfirmButton
              action={deleteWarehouseAction}
              hidden={{ id: w.id }}
              label="Delete warehouse"
              confirmText={
                inUse
                  ? `Warehouse "${w.name}" is used by ${w.catalogCount} catalog${w.catalogCount === 1 ? '' : 's'}, so it cannot be deleted; move or delete them first.`
                  : `This deletes warehouse "${w.name}" and its stored credentials. The data in storage is not touched.`
              }
              confirmLabel="Delete"
            />
          ) : null
        }
      />
      {w.vendingStrategy === 'static' ? (
        <p
          role="alert"
          className="mb-6 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
        >
          This warehouse hands its own storage keys to Iceberg engines (static vending): they are not scoped to a table
          and do not expire. Prefer {w.storageType === 'azure' ? 'SAS tokens' : 'AWS STS'} for anything but development.
        </p>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card title="Overview" className="lg:col-span-1">
          <KeyValueList
            items={[
              ...Object.entries(w.storageConfig).map(([k, v]) => ({
                label: storageConfigLabels[k] ?? k,
                value: <code className="text-xs">{configValue(v)}</code>,
              })),
              { label: 'Credential vending', value: vendingLabels[w.vendingStrategy] ?? w.vendingStrategy },
              {
                label: 'Stored credentials',
                value: w.storedSecretFields.length
                  ? w.storedSecretFields.map((f) => secretFieldLabels[f] ?? f).join(', ')
                  : 'none',
              },
              {
                label: 'Used by',
                value: w.catalogs.length
                  ? w.catalogs.map((c, i) => (
                      <span key={c.id}>
                        {i ? ', ' : ''}
                        <Link className={linkClass()} href={`/catalogs/${encodeURIComponent(c.name)}`}>
                          {c.name}
                        </Link>
                      </span>
                    ))
                  : 'no catalog',
              },
              { label: 'Created', value: formatDateTime(w.createdAt) },
              { label: 'Updated', value: formatDateTime(w.updatedAt) },
            ]}
          />
        </Card>
        {admin ? (
          <Card title="Edit" className="lg:col-span-2">
            <ActionForm action={updateWarehouseAction} submitLabel="Save changes">
              <input type="hidden" name="id" value={w.id} />
              <input type="hidden" name="originalName" value={w.name} />
              <WarehouseFields values={w} storedSecrets={w.storedSecretFields} />
            </ActionForm>
          </Card>
        ) : null}
      </div>
      <p className="mt-6 text-sm">
        <Link className={linkClass()} href="/warehouses">
          ← All warehouses
        </Link>
      </p>
    </>
  );
}
