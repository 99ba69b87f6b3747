import { SchemaTable } from '@/components/schema-table';
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

/**
 * The base, source and target schemas in full, each column the source or the target changed marked (and, in the
 * base, what each dropped), so choosing a side shows what it keeps and what it loses.
 */
function SchemasSideBySide({ sinceBase }: { sinceBase?: { source?: SideDetails; target?: SideDetails } }) {
  const source = sinceBase?.source?.schemas;
  const target = sinceBase?.target?.schemas;
  if (!source || !target) return null;
  const droppedIn: Record<number, string> = {};
  for (const id of Object.keys(source.dropped)) droppedIn[Number(id)] = 'dropped by source';
  for (const id of Object.keys(target.dropped))
    droppedIn[Number(id)] = droppedIn[Number(id)] ? 'dropped by both' : 'dropped by target';
  return (
    <details className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
      <summary className="cursor-pointer text-sm font-medium">Schemas side by side</summary>
      <div className="mt-3 grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="min-w-0">
          <h4 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">Base (schema {source.before.schemaId})</h4>
          <SchemaTable schema={source.before} marks={droppedIn} caption="Base schema" />
        </div>
        <div className="min-w-0">
          <h4 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">
            Source (schema {source.after.schemaId})
          </h4>
          <SchemaTable schema={source.after} marks={source.marks} caption="Source schema" />
        </div>
        <div className="min-w-0">
          <h4 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">
            Target (schema {target.after.schemaId})
          </h4>
          <SchemaTable schema={target.after} marks={target.marks} caption="Target schema" />
        </div>
      </div>
    </details>
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
      <SchemasSideBySide sinceBase={sinceBase} />
      {children ? <div className="border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">{children}</div> : null}
    </section>
  );
}
