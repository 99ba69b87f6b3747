import { Badge } from './ui';
import type { ColumnNode, SchemaView } from '@/lib/iceberg/describe';

const th = 'px-3 py-2 text-left text-xs font-medium text-zinc-600 dark:text-zinc-400';
const td = 'px-3 py-1.5 align-top';

function flatten(columns: ColumnNode[], depth = 0, out: { c: ColumnNode; depth: number }[] = []) {
  for (const c of columns) {
    out.push({ c, depth });
    if (c.children) flatten(c.children, depth + 1, out);
  }
  return out;
}

/**
 * A schema as a table of columns, nested ones indented under their parent. `marks` labels columns by field id
 * (what a change did to them: added, renamed, …), shown beside the name and highlighted.
 */
export function SchemaTable({
  schema,
  caption,
  marks,
}: {
  schema: SchemaView;
  caption: string;
  marks?: Record<number, string>;
}) {
  const rows = flatten(schema.columns);
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800" aria-label={caption}>
        <thead className="bg-zinc-50 dark:bg-zinc-900/60">
          <tr>
            <th scope="col" className={th}>
              Column
            </th>
            <th scope="col" className={th}>
              Type
            </th>
            <th scope="col" className={th}>
              Required
            </th>
            <th scope="col" className={th}>
              Field id
            </th>
            <th scope="col" className={th}>
              Doc
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map(({ c, depth }) => (
            <tr key={c.id} className={marks?.[c.id] ? 'bg-amber-50 dark:bg-amber-500/10' : undefined}>
              <td className={td}>
                <span
                  style={{ paddingLeft: `${depth * 1.25}rem` }}
                  className="inline-flex items-center gap-1 font-mono"
                >
                  {depth ? <span aria-hidden="true">└</span> : null}
                  {c.name}
                  {c.identifier ? <Badge tone="blue">identifier</Badge> : null}
                  {marks?.[c.id] ? <Badge tone="yellow">{marks[c.id]}</Badge> : null}
                </span>
              </td>
              <td className={`${td} font-mono text-xs`}>{c.type}</td>
              <td className={td}>{c.required ? 'required' : 'optional'}</td>
              <td className={`${td} tabular-nums`}>{c.id}</td>
              <td className={`${td} text-zinc-600 dark:text-zinc-400`}>{c.doc ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
