'use client';

/**
 * Picks a scope by browsing: catalog → namespace → sub-namespace … → table, or a tag. Emits hidden inputs
 * (scopeType, catalogId, namespaceId, assetId, tag) for the surrounding form.
 */
import { useId, useState } from 'react';
import type { ScopeOption } from '@/lib/governance/queries/scopes';
import { browseScopeAction } from './actions';

export type PickerScope = 'tenant' | 'catalog' | 'namespace' | 'asset' | 'tag';

const TYPE_LABELS: Record<PickerScope, string> = {
  tenant: 'Whole tenant',
  catalog: 'Catalog',
  namespace: 'Namespace (and its children)',
  asset: 'Table or view',
  tag: 'Tag',
};

const SELECT =
  'block w-full rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm shadow-xs dark:border-zinc-700 dark:bg-zinc-900';

type Level = { options: ScopeOption[]; selected: string };

export function ScopePicker({
  catalogs,
  tags,
  types = ['tenant', 'catalog', 'namespace', 'asset', 'tag'],
  disabled,
}: {
  catalogs: ScopeOption[];
  tags: string[];
  types?: PickerScope[];
  disabled?: boolean;
}) {
  const uid = useId();
  const [type, setType] = useState<PickerScope>(types.includes('catalog') ? 'catalog' : types[0]);
  const [catalogId, setCatalogId] = useState('');
  const [levels, setLevels] = useState<Level[]>([]);
  const [assets, setAssets] = useState<ScopeOption[] | null>(null);
  const [assetId, setAssetId] = useState('');
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const browse = async (kind: 'namespaces' | 'assets', parent: string | null, cat = catalogId) => {
    setLoading(true);
    setError(null);
    const r = await browseScopeAction(kind, cat, parent);
    setLoading(false);
    if (!r.ok) {
      setError(r.error);
      return [];
    }
    return r.data;
  };

  const needsNamespaces = type === 'namespace' || type === 'asset';

  const chooseType = (t: PickerScope) => {
    setType(t);
    setLevels([]);
    setAssets(null);
    setAssetId('');
    if ((t === 'namespace' || t === 'asset') && catalogId)
      void browse('namespaces', null).then((o) => setLevels([{ options: o, selected: '' }]));
  };

  const chooseCatalog = async (id: string) => {
    setCatalogId(id);
    setLevels([]);
    setAssets(null);
    setAssetId('');
    if (id && needsNamespaces) setLevels([{ options: await browse('namespaces', null, id), selected: '' }]);
  };

  const chooseNamespace = async (depth: number, id: string) => {
    const kept = levels.slice(0, depth + 1).map((l, i) => (i === depth ? { ...l, selected: id } : l));
    setLevels(kept);
    setAssets(null);
    setAssetId('');
    if (!id) return;
    const opt = levels[depth].options.find((o) => o.id === id);
    if (opt?.hasChildren) {
      const children = await browse('namespaces', id);
      if (children.length) setLevels([...kept, { options: children, selected: '' }]);
    }
    if (type === 'asset') setAssets(await browse('assets', id));
  };

  const deepest = [...levels].reverse().find((l) => l.selected)?.selected ?? '';
  const pathLabel = (depth: number) =>
    levels
      .slice(0, depth)
      .map((l) => l.options.find((o) => o.id === l.selected)?.label)
      .filter(Boolean)
      .join('.');

  return (
    <fieldset className="space-y-3" disabled={disabled}>
      <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Scope</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1" role="radiogroup" aria-label="Scope type">
        {types.map((t) => (
          <label key={t} className="flex items-center gap-1.5 text-sm">
            <input
              type="radio"
              name={`${uid}-type`}
              checked={type === t}
              onChange={() => chooseType(t)}
              className="accent-indigo-600"
            />
            {TYPE_LABELS[t]}
          </label>
        ))}
      </div>

      <input type="hidden" name="scopeType" value={type} />
      <input type="hidden" name="catalogId" value={type === 'tenant' ? '' : catalogId} />
      <input type="hidden" name="namespaceId" value={type === 'namespace' ? deepest : ''} />
      <input type="hidden" name="assetId" value={type === 'asset' ? assetId : ''} />
      <input type="hidden" name="tag" value={type === 'tag' ? tag : ''} />

      {type !== 'tenant' ? (
        <div className="space-y-1">
          <label htmlFor={`${uid}-catalog`} className="block text-sm text-zinc-700 dark:text-zinc-300">
            {type === 'tag' ? 'Limit to catalog (optional)' : 'Choose catalog'}
          </label>
          <select
            id={`${uid}-catalog`}
            value={catalogId}
            onChange={(e) => void chooseCatalog(e.currentTarget.value)}
            className={SELECT}
          >
            <option value="">
              {type === 'tag' ? 'Any catalog' : catalogs.length ? 'Choose a catalog…' : 'No catalogs yet'}
            </option>
            {catalogs.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      {needsNamespaces && catalogId
        ? levels.map((level, depth) => (
            <div key={depth} className="space-y-1">
              <label htmlFor={`${uid}-ns-${depth}`} className="block text-sm text-zinc-700 dark:text-zinc-300">
                {depth === 0 ? 'Choose namespace' : `Inside ${pathLabel(depth)}`}
              </label>
              <select
                id={`${uid}-ns-${depth}`}
                value={level.selected}
                onChange={(e) => void chooseNamespace(depth, e.currentTarget.value)}
                className={SELECT}
              >
                <option value="">
                  {level.options.length
                    ? depth === 0
                      ? 'Choose a namespace…'
                      : '(this namespace itself)'
                    : 'No namespaces here'}
                </option>
                {level.options.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.label}
                    {o.hasChildren ? ' ›' : ''}
                  </option>
                ))}
              </select>
            </div>
          ))
        : null}

      {type === 'asset' && assets ? (
        <div className="space-y-1">
          <label htmlFor={`${uid}-asset`} className="block text-sm text-zinc-700 dark:text-zinc-300">
            Choose table or view
          </label>
          <select
            id={`${uid}-asset`}
            value={assetId}
            onChange={(e) => setAssetId(e.currentTarget.value)}
            className={SELECT}
          >
            <option value="">{assets.length ? 'Choose a table…' : 'No tables in this namespace'}</option>
            {assets.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      {type === 'tag' ? (
        <div className="space-y-1">
          <label htmlFor={`${uid}-tag`} className="block text-sm text-zinc-700 dark:text-zinc-300">
            Tag name
          </label>
          <input
            id={`${uid}-tag`}
            list={`${uid}-tags`}
            value={tag}
            onChange={(e) => setTag(e.currentTarget.value)}
            maxLength={100}
            className={SELECT}
            placeholder="e.g. pii"
          />
          <datalist id={`${uid}-tags`}>
            {tags.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          <p className="text-xs text-zinc-500">
            Covers every table whose business metadata carries this tag, now or later.
          </p>
        </div>
      ) : null}

      {loading ? (
        <p role="status" className="text-xs text-zinc-500">
          Loading…
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="text-xs text-red-600">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
