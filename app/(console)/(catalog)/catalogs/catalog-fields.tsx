'use client';

import { useState } from 'react';
import { Field, SelectField, TextAreaField } from '@/components/form';

const AUTH = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'oauth2', label: 'OAuth2 client credentials' },
];

/** Local (on a warehouse) or federated (a remote Iceberg REST catalog): only that kind's fields are sent. */
export function CatalogFields({
  warehouses,
}: {
  warehouses: { name: string; storageType: string; isDefault: boolean }[];
}) {
  const [kind, setKind] = useState<'local' | 'federated'>(warehouses.length ? 'local' : 'federated');
  const [auth, setAuth] = useState('none');
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Field name="name" label="Catalog name" required maxLength={128} description="Letters, digits, _ and -." />
        <div
          onChange={(e) => {
            const t = e.target as unknown as HTMLSelectElement;
            if (t.name === 'catalogType') setKind(t.value as 'local' | 'federated');
          }}
        >
          <SelectField
            name="catalogType"
            label="Kind"
            defaultValue={kind}
            options={[
              { value: 'local', label: 'Local (data in one of our warehouses)' },
              { value: 'federated', label: 'Federated (a remote Iceberg REST catalog)' },
            ]}
          />
        </div>
      </div>
      {kind === 'local' ? (
        warehouses.length ? (
          <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
            <SelectField
              name="warehouse"
              label="Warehouse"
              defaultValue={warehouses.find((w) => w.isDefault)?.name}
              options={warehouses.map((w) => ({
                value: w.name,
                label: `${w.name} (${w.storageType})${w.isDefault ? ' — default' : ''}`,
              }))}
            />
            <Field
              name="storageLocation"
              label="Storage location (optional)"
              placeholder="s3://bucket/path"
              description="Defaults to the catalog name under the warehouse."
            />
          </div>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Create a warehouse first: a local catalog keeps its data in one.
          </p>
        )
      ) : (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Field
            name="url"
            label="Remote catalog URL"
            required
            placeholder="https://iceberg.example.com"
            description="The base URL; /v1/config is asked when testing."
          />
          <Field name="remoteWarehouse" label="Remote warehouse (optional)" maxLength={255} />
          <div
            onChange={(e) => {
              const t = e.target as unknown as HTMLSelectElement;
              if (t.name === 'authType') setAuth(t.value);
            }}
          >
            <SelectField name="authType" label="Authentication" options={AUTH} defaultValue={auth} />
          </div>
          {auth === 'bearer' ? (
            <Field
              name="token"
              label="Token"
              type="password"
              autoComplete="new-password"
              description="Stored encrypted; never shown again."
            />
          ) : null}
          {auth === 'oauth2' ? (
            <>
              <Field name="clientId" label="Client id" maxLength={512} />
              <Field
                name="clientSecret"
                label="Client secret"
                type="password"
                autoComplete="new-password"
                description="Stored encrypted; never shown again."
              />
            </>
          ) : null}
        </div>
      )}
      <TextAreaField name="properties" label="Properties (optional)" rows={2} description="One key=value per line." />
    </div>
  );
}
