import { ActionForm, CheckboxField, Field, SelectField, TextAreaField } from '@/components/form';
import type { CatalogDetail } from '@/lib/catalog/queries/catalogs';
import { propertyLines } from '../../_ui/format';
import { updateCatalogAction } from '../actions';

/** Catalog settings; for a federated catalog the remote too, with its secrets as "replace" fields. */
export function CatalogSettingsForm({ catalog }: { catalog: CatalogDetail }) {
  const r = catalog.remote;
  return (
    <ActionForm action={updateCatalogAction} submitLabel="Save settings">
      <input type="hidden" name="id" value={catalog.id} />
      {r ? (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Field name="url" label="Remote catalog URL" defaultValue={r.url} />
          <Field name="remoteWarehouse" label="Remote warehouse" defaultValue={r.warehouse ?? ''} />
          <SelectField
            name="authType"
            label="Authentication"
            defaultValue={r.authType}
            options={[
              { value: 'none', label: 'None' },
              { value: 'bearer', label: 'Bearer token' },
              { value: 'oauth2', label: 'OAuth2 client credentials' },
            ]}
          />
          <Field name="clientId" label="Client id (OAuth2)" defaultValue={r.clientId ?? ''} />
          <Field
            name="token"
            label="Replace token"
            type="password"
            autoComplete="new-password"
            description={r.hasStoredSecret ? 'A secret is stored. Leave empty to keep it.' : 'Nothing stored.'}
          />
          <Field
            name="clientSecret"
            label="Replace client secret"
            type="password"
            autoComplete="new-password"
            description="Leave empty to keep what is stored."
          />
          {r.hasStoredSecret ? <CheckboxField name="clearCredentials" label="Remove the stored secrets" /> : null}
        </div>
      ) : (
        <Field
          name="storageLocation"
          label="Storage location"
          defaultValue={catalog.storageLocation ?? ''}
          description="Where new tables are placed, e.g. s3://bucket/path."
        />
      )}
      <TextAreaField
        name="properties"
        label="Properties"
        rows={3}
        defaultValue={propertyLines(catalog.properties)}
        description="One key=value per line."
      />
    </ActionForm>
  );
}
