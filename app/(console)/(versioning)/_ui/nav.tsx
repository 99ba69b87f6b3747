import Link from 'next/link';
import clsx from 'clsx';
import { catalogQs } from './format';

const TABS = [
  { id: 'branches', label: 'Branches', href: '/branches' },
  { id: 'tags', label: 'Tags', href: '/branches/tags' },
  { id: 'compare', label: 'Compare', href: '/branches/compare' },
  { id: 'browse', label: 'Browse at a ref', href: '/branches/browse' },
  { id: 'merges', label: 'Merges', href: '/merges' },
] as const;

/** The versioning views of one catalog. */
export function VersioningNav({ catalog, current }: { catalog: string; current: (typeof TABS)[number]['id'] | null }) {
  return (
    <nav aria-label="Versioning" className="mb-5 flex flex-wrap gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {TABS.map((t) => (
        <Link
          key={t.id}
          href={`${t.href}${catalogQs(catalog)}`}
          aria-current={current === t.id ? 'page' : undefined}
          className={clsx(
            '-mb-px border-b-2 px-3 py-2 text-sm',
            current === t.id
              ? 'border-indigo-600 font-medium text-indigo-700 dark:text-indigo-300'
              : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
          )}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
