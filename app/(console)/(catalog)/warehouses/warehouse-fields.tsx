'use client';

import { secretFieldLabels, vendingFor, vendingHelp, vendingLabels } from '@/lib/catalog/format';
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

const vendingOptions = (type: StorageType) => vendingFor[type].map((value) => ({ value, label: vendingLabels[value] }));

/**
 * Warehouse settings; only the fields of the chosen storage type are shown (and submitted). Secret fields
 * are never prefilled: on an existing warehouse, leaving one empty keeps what is stored.
 */
export function WarehouseFields({ values, storedSecrets }: { values?: WarehouseValues; storedSecrets?: string[] }) {
  const [type, setType] = useState<StorageType>(values?.storageType ?? 's3');
  const [strategy, setStrategy] = useState(values?.vendingStrategy ?? 'none');
  // A strategy that does not fit the chosen storage falls back to none (the server refuses it anyway).
  const vending = vendingFor[type].includes(strategy) ? strategy : 'none';
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
      <fieldset className="grid grid-cols-1 gap-4 rounded-md border border-zinc-200 p-4 md:grid-cols-2 dark:border-zinc-800">
        <legend className="px-1 text-sm font-medium">Credential vending (Iceberg engines)</legend>
        <div
          className="space-y-1"
          onChange={(e) => {
            const t = e.target as unknown as HTMLSelectElement;
            if (t.name === 'vendingStrategy') setStrategy(t.value);
          }}
        >
          <SelectField
            key={type}
            name="vendingStrategy"
            label="Strategy"
            options={vendingOptions(type)}
            defaultValue={vending}
          />
        </div>
        <p className="text-sm text-zinc-600 md:col-span-2 dark:text-zinc-400" data-testid="vending-help">
          {vendingHelp[vending]} Credentials live PANGOLIN_VENDED_CREDENTIALS_TTL_SECS (default 15 minutes), never
          longer than the engine’s own token, and each hand-out is audited.
        </p>
        {vending === 'sts' ? (
          <>
            <Field
              name="roleArn"
              label="Role ARN"
              required
              maxLength={2048}
              defaultValue={text('roleArn')}
              placeholder="arn:aws:iam::123456789012:role/lakehouse-vending"
            />
            <Field
              name="stsEndpoint"
              label="STS endpoint (optional)"
              defaultValue={text('stsEndpoint')}
              placeholder="https://sts.eu-west-1.amazonaws.com"
              description="Default: AWS STS in the warehouse’s region. Any STS-compatible endpoint (such as MinIO’s) works."
            />
            {secret('externalId', secretFieldLabels.externalId)}
          </>
        ) : null}
        {vending === 'static' ? (
          <div className="space-y-2 md:col-span-2">
            <p
              role="alert"
              className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
            >
              Static credentials are not scoped: every engine that may read any table of this warehouse receives the
              warehouse’s own keys, for every table and for as long as the keys live.
            </p>
            <CheckboxField
              name="allowStatic"
              label="I understand: hand this warehouse’s own keys to engines"
              defaultChecked={cfg.allowStatic === true}
            />
          </div>
        ) : null}
        {type === 's3' ? (
          <CheckboxField
            name="remoteSigning"
            label="Sign engines’ S3 requests (remote signing)"
            defaultChecked={cfg.remoteSigning === true}
            description="Engines asking for remote-signing send each S3 request to the catalog, which signs it with the warehouse’s keys only for the table’s own files (reads for readers, writes for writers). The keys never leave the server."
          />
        ) : null}
      </fieldset>
    </div>
  );
}
