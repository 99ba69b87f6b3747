import { Badge } from '@/components/ui';
import type { VersionState } from '@/lib/versioning/sql';
import { AssetStateView } from '../_ui/asset-state';
import { conflictLabels } from '../_ui/format';

/** One conflict: what it is, and base / source / target side by side (differences from the base marked). */
export function ConflictSides({
  kind,
  title,
  description,
  base,
  source,
  target,
  children,
}: {
  kind: string;
  title: string;
  description?: string;
  base: VersionState;
  source: VersionState;
  target: VersionState;
  children?: React.ReactNode;
}) {
  return (
    <section
      aria-label={`Conflict on ${title}`}
      className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <h3 className="text-sm font-semibold">{title}</h3>
        <Badge tone="red">{conflictLabels[kind] ?? kind}</Badge>
        {description ? <p className="w-full text-xs text-zinc-600 dark:text-zinc-400">{description}</p> : null}
      </header>
      <div className="grid grid-cols-1 gap-4 p-4 md:grid-cols-3">
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Base</h4>
          <AssetStateView state={base} />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Source</h4>
          <AssetStateView state={source} highlight={base} />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Target</h4>
          <AssetStateView state={target} highlight={base} />
        </div>
      </div>
      {children ? <div className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">{children}</div> : null}
    </section>
  );
}
