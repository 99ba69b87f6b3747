import { ChevronRight, Folder, FolderOpen } from 'lucide-react';
import Link from 'next/link';
import type { TreeLevel } from '@/lib/catalog/queries/namespaces';

type Props = { catalogName: string; levels: TreeLevel[]; selected: string[] | null; branch: string };

/**
 * The namespace tree as nested lists: the top level, and the children of each namespace on the way to the
 * selected one (each level is one indexed query; deep trees stay cheap).
 */
export function NamespaceTree({ catalogName, levels, selected, branch }: Props) {
  const href = (path: string[]) => {
    const qs = new URLSearchParams({ ns: path.join('.') });
    if (branch !== 'main') qs.set('branch', branch);
    return `/catalogs/${encodeURIComponent(catalogName)}?${qs}`;
  };
  const render = (depth: number): React.ReactNode => {
    const level = levels[depth];
    if (!level) return null;
    if (!level.nodes.length && depth === 0) return <p className="text-sm text-zinc-500">No namespaces yet.</p>;
    return (
      <ul
        role={depth === 0 ? 'tree' : 'group'}
        aria-label={depth === 0 ? 'Namespaces' : undefined}
        className={depth ? 'ml-4 border-l border-zinc-200 pl-2 dark:border-zinc-800' : ''}
      >
        {level.nodes.map((n) => {
          const onPath = !!selected && n.path.length <= selected.length && n.path.every((p, i) => selected[i] === p);
          const isSelected = onPath && n.path.length === selected!.length;
          const Icon = onPath ? FolderOpen : Folder;
          return (
            <li
              key={n.id}
              role="treeitem"
              aria-expanded={n.hasChildren ? onPath : undefined}
              aria-selected={isSelected}
            >
              <Link
                href={href(n.path)}
                aria-current={isSelected ? 'page' : undefined}
                className={`flex items-center gap-1.5 rounded px-1.5 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800 ${isSelected ? 'bg-indigo-50 font-semibold text-indigo-700 dark:bg-indigo-500/10 dark:text-indigo-300' : ''}`}
              >
                {n.hasChildren ? (
                  <ChevronRight
                    className={`h-3.5 w-3.5 shrink-0 transition-transform ${onPath ? 'rotate-90' : ''}`}
                    aria-hidden="true"
                  />
                ) : (
                  <span className="w-3.5" />
                )}
                <Icon className="h-4 w-4 shrink-0 text-zinc-500" aria-hidden="true" />
                <span className="truncate">{n.name}</span>
              </Link>
              {onPath && levels[depth + 1]?.parentPath.join('.') === n.path.join('.') ? render(depth + 1) : null}
            </li>
          );
        })}
        {level.more ? (
          <li className="px-1.5 py-1 text-xs text-zinc-500">More namespaces here than shown (first 200 by name).</li>
        ) : null}
      </ul>
    );
  };
  return <nav aria-label="Namespace tree">{render(0)}</nav>;
}
