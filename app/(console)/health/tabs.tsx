'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** The health area's own navigation: the overview and a page per area. */
export function HealthTabs({ areas }: { areas: { title: string; href: string }[] }) {
  const pathname = usePathname();
  const all = [{ title: 'Overview', href: '/health' }, ...areas];
  return (
    <nav
      aria-label="Database health areas"
      className="mb-6 overflow-x-auto border-b border-zinc-200 dark:border-zinc-800"
    >
      <ul className="flex gap-1">
        {all.map((a) => {
          const active =
            a.href === '/health' ? pathname === '/health' : pathname === a.href || pathname?.startsWith(`${a.href}/`);
          return (
            <li key={a.href}>
              <Link
                href={a.href}
                aria-current={active ? 'page' : undefined}
                className={clsx(
                  '-mb-px inline-block border-b-2 px-3 py-2 text-sm whitespace-nowrap',
                  active
                    ? 'border-indigo-600 font-medium text-indigo-700 dark:border-indigo-400 dark:text-indigo-300'
                    : 'border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
                )}
              >
                {a.title}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
