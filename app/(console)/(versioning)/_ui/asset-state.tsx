import type { VersionState } from '@/lib/versioning/sql';

/** One side of an asset (metadata location, schema id, properties), or "absent". */
export function AssetStateView({ state, highlight }: { state: VersionState; highlight?: VersionState }) {
  if (!state) return <span className="text-sm text-zinc-500 italic">absent (dropped or never created)</span>;
  const differs = (k: 'metadataLocation' | 'schemaId' | 'name') =>
    highlight !== undefined && (highlight?.[k] ?? null) !== (state[k] ?? null);
  const props = Object.entries(state.properties ?? {});
  const mark = (on: boolean) => (on ? 'rounded bg-amber-100 px-0.5 dark:bg-amber-500/20' : '');
  return (
    <dl className="space-y-1 text-xs">
      <div>
        <dt className="inline text-zinc-500">name </dt>
        <dd className={`inline font-medium ${mark(differs('name'))}`}>{state.name}</dd>
      </div>
      <div>
        <dt className="text-zinc-500">metadata location</dt>
        <dd className={`break-all font-mono ${mark(differs('metadataLocation'))}`}>
          {state.metadataLocation ?? 'none'}
        </dd>
      </div>
      <div>
        <dt className="inline text-zinc-500">schema id </dt>
        <dd className={`inline ${mark(differs('schemaId'))}`}>{state.schemaId ?? 'none'}</dd>
      </div>
      {props.length ? (
        <div>
          <dt className="text-zinc-500">properties</dt>
          <dd className="break-all font-mono">{props.map(([k, v]) => `${k}=${v}`).join(', ')}</dd>
        </div>
      ) : null}
    </dl>
  );
}
