'use client';

import { secretFieldLabels, vendingLabels } from '@/lib/catalog/format';
import { useState } from 'react';
import { CheckboxField, Field, SelectField } from '@/components/form';

type StorageType = 's3' | 'azure' | 'gcs' | 'local';

export type WarehouseValues = {
  name?: string;
  storageType?: StorageType;
  storageConfig?: Record<string, string | boolean>;
  vendingStrategy?: string;
};

const TYPES = [
  { value: 's3', label: 'Amazon S3 (or S3-compatible)' },
  { value: 'azure', label: 'Azure Blob Storage / ADLS Gen2' },
  { value: 'gcs', label: 'Google Cloud Storage' },
  { value: 'local', label: 'Local filesystem (development)' },
];

const VENDING = Object.entries(vendingLabels).map(([value, label]) => ({ value, label }));

/**
 * Warehouse settings; only the fields of the chosen storage type are shown (and submitted). Secret fields
 * are never prefilled: on an existing warehouse, leaving one empty keeps what is stored.
 */
export function WarehouseFields({ values, storedSecrets }: { values?: WarehouseValues; storedSecrets?: string[] }) {
  const [type, setType] = useState<StorageType>(values?.storageType ?? 's3');
  const cfg = values?.storageConfig ?? {};
  const text = (k: string) => (typeof cfg[k] === 'string' ? (cfg[k] as string) : undefined);
  const editing = storedSecrets !== undefined;
  const secretHint = (field: string) =>
    editing
      ? storedSecrets!.includes(field)
        ? 'A value is stored. Leave empty to keep it; type a new one to replace it.'
        : 'Nothing stored.'
      : 'Stored encrypted; never shown again.';
  const secret = (name: string, label: string) => (
    <Field name={name} label={label} type="password" autoComplete="new-password" description={secretHint(name)} />
  );
  return (
    <div className="space-y-4">
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <Field name="name" label="Warehouse name" required maxLength={128} defaultValue={values?.name} />
        <div
          className="space-y-1"
          onChange={(e) => {
            const t = e.target as unknown as HTMLSelectElement;
            if (t.name === 'storageType') setType(t.value as StorageType);
          }}
        >
          <SelectField name="storageType" label="Storage type" options={TYPES} defaultValue={type} />
        </div>
      </div>
      <fieldset className="grid grid-cols-1 gap-4 rounded-md border border-zinc-200 p-4 md:grid-cols-2 dark:border-zinc-800">
        <legend className="px-1 text-sm font-medium">Location</legend>
        {type === 's3' ? (
          <>
            <Field name="bucket" label="Bucket" required maxLength={255} defaultValue={text('bucket')} />
            <Field name="region" label="Region" maxLength={64} defaultValue={text('region')} placeholder="eu-west-1" />
            <Field
              name="endpoint"
              label="Endpoint (S3-compatible stores)"
              defaultValue={text('endpoint')}
              placeholder="https://minio.example:9000"
            />
            <CheckboxField name="pathStyle" label="Path-style access" defaultChecked={cfg.pathStyle === true} />
          </>
        ) : null}
        {type === 'azure' ? (
          <>
            <Field name="container" label="Container" required maxLength={255} defaultValue={text('container')} />
            <Field
              name="accountName"
              label="Storage account"
              required
              maxLength={255}
              defaultValue={text('accountName')}
            />
            <Field name="endpoint" label="Endpoint (optional)" defaultValue={text('endpoint')} />
          </>
        ) : null}
        {type === 'gcs' ? (
          <>
            <Field name="bucket" label="Bucket" required maxLength={255} defaultValue={text('bucket')} />
            <Field name="endpoint" label="Endpoint (optional)" defaultValue={text('endpoint')} />
          </>
        ) : null}
        {type === 'local' ? (
          <Field
            name="rootPath"
            label="Root path"
            required
            maxLength={1024}
            defaultValue={text('rootPath')}
            placeholder="lake/raw"
            description="A folder inside this tenant's storage folder on the server (such as lake/raw); absolute paths and .. are not allowed."
          />
        ) : null}
      </fieldset>
      <fieldset className="grid grid-cols-1 gap-4 rounded-md border border-zinc-200 p-4 md:grid-cols-2 dark:border-zinc-800">
        <legend className="px-1 text-sm font-medium">Credentials</legend>
        <SelectField
          name="vendingStrategy"
          label="Credential vending"
          options={VENDING}
          defaultValue={values?.vendingStrategy ?? 'none'}
        />
        {type === 's3' ? (
          <>
            {secret('accessKeyId', secretFieldLabels.accessKeyId)}
            {secret('secretAccessKey', secretFieldLabels.secretAccessKey)}
          </>
        ) : null}
        {type === 'azure' ? (
          <>
            {secret('accountKey', secretFieldLabels.accountKey)}
            {secret('sasToken', secretFieldLabels.sasToken)}
          </>
        ) : null}
        {type === 'gcs' ? secret('serviceAccountJson', secretFieldLabels.serviceAccountJson) : null}
        {type === 'local' ? <p className="text-sm text-zinc-500">A local warehouse needs no credentials.</p> : null}
        {editing && storedSecrets!.length ? (
          <CheckboxField
            name="clearCredentials"
            label="Remove all stored credentials"
            description="Any secret typed above is then the only one kept."
          />
        ) : null}
      </fieldset>
    </div>
  );
}
