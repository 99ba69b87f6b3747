import { Badge } from '@/components/ui';
import type { VersionState } from '@/lib/versioning/sql';
import { AssetStateView } from '../_ui/asset-state';
import { conflictLabels } from '../_ui/format';
import type { SideDetails } from '@/lib/iceberg/queries/metadata-file';

function SinceBase({ side, d }: { side: string; d?: SideDetails }) {
  if (!d) return null;
  return (
    <div className="mt-2 text-xs">
      <p className="font-medium text-zinc-700 dark:text-zinc-300">Since the base, the {side}:</p>
      {d.details ? (
        d.details.length ? (
          <ul className="list-disc pl-4" aria-label={`What the ${side} changed`}>
            {d.details.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        ) : (
          <p className="text-zinc-500">nothing in the schema, partitioning or properties</p>
        )
      ) : (
        <p className="text-amber-700 dark:text-amber-400">{d.detailsProblem}</p>
      )}
    </div>
  );
}

/** One conflict: what it is, and base / source / target side by side (differences from the base marked). */
export function ConflictSides({
  kind,
  title,
  description,
  base,
  source,
  target,
  sinceBase,
  children,
}: {
  kind: string;
  title: string;
  description?: string;
  base: VersionState;
  source: VersionState;
  target: VersionState;
  /** What each side changed in the table since the base, read from the metadata files. */
  sinceBase?: { source?: SideDetails; target?: SideDetails };
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
          <SinceBase side="source" d={sinceBase?.source} />
        </div>
        <div>
          <h4 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Target</h4>
          <AssetStateView state={target} highlight={base} />
          <SinceBase side="target" d={sinceBase?.target} />
        </div>
      </div>
      {children ? <div className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">{children}</div> : null}
    </section>
  );
}
