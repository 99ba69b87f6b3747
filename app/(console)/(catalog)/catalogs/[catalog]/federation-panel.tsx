import { ActionForm } from '@/components/form';
import { Badge, Card, KeyValueList } from '@/components/ui';
import { federatedStats, type CatalogDetail } from '@/lib/catalog/queries/catalogs';
import type { Actor } from '@/lib/actor';
import { formatDateTime } from '@/lib/format';
import { syncAction, testConnectionAction } from '../actions';

const TONE = { never: 'neutral', running: 'blue', succeeded: 'green', failed: 'red' } as const;

/** The remote of a federated catalog: where it is, test connection, sync, and the last sync's figures. */
export async function FederationPanel({ actor, catalog }: { actor: Actor; catalog: CatalogDetail }) {
  const s = await federatedStats(actor, catalog.id);
  const r = catalog.remote!;
  return (
    <Card title="Remote catalog">
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <KeyValueList
          items={[
            { label: 'URL', value: <code className="text-xs break-all">{r.url}</code> },
            { label: 'Authentication', value: r.authType },
            ...(r.warehouse ? [{ label: 'Remote warehouse', value: r.warehouse }] : []),
            ...(r.clientId ? [{ label: 'Client id', value: r.clientId }] : []),
            { label: 'Stored secret', value: r.hasStoredSecret ? 'yes (encrypted, never shown)' : 'none' },
          ]}
        />
        <div className="space-y-4">
          <div>
            <h3 className="text-sm font-semibold">
              Last sync <Badge tone={TONE[s.status]}>{s.status}</Badge>
            </h3>
            <KeyValueList
              items={[
                { label: 'When', value: formatDateTime(s.lastSyncAt) },
                { label: 'Took', value: s.durationMs === null ? '—' : `${s.durationMs.toLocaleString('en-US')} ms` },
                { label: 'Namespaces', value: s.namespaces.toLocaleString('en-US') },
                { label: 'Tables', value: s.tables.toLocaleString('en-US') },
                { label: 'Views', value: s.views === null ? '—' : s.views.toLocaleString('en-US') },
                ...(s.error
                  ? [{ label: 'Error', value: <span className="text-red-700 dark:text-red-400">{s.error}</span> }]
                  : []),
              ]}
            />
          </div>
          {catalog.may.update ? (
            <div className="flex flex-wrap gap-4">
              <ActionForm
                action={testConnectionAction}
                submitLabel="Test connection"
                submitVariant="secondary"
                className="space-y-2"
              >
                <input type="hidden" name="catalog" value={catalog.id} />
              </ActionForm>
              <ActionForm action={syncAction} submitLabel="Sync now" className="space-y-2">
                <input type="hidden" name="catalog" value={catalog.id} />
              </ActionForm>
            </div>
          ) : null}
        </div>
      </div>
    </Card>
  );
}
