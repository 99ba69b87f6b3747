'use client';

import {
  Bot,
  Building,
  GitBranch,
  GitMerge,
  HeartPulse,
  Inbox,
  KeyRound,
  LayoutDashboard,
  Library,
  Menu,
  ScrollText,
  Search,
  Send,
  Settings,
  ShieldCheck,
  Users,
  Warehouse,
  Webhook,
  X,
  type LucideIcon,
} from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { isNavItemActive, visibleNavSections, type NavAudience, type NavIconName } from './nav';

const ICONS: Record<NavIconName, LucideIcon> = {
  LayoutDashboard,
  Building,
  Warehouse,
  Library,
  Search,
  GitBranch,
  GitMerge,
  Users,
  Bot,
  ShieldCheck,
  Inbox,
  KeyRound,
  ScrollText,
  HeartPulse,
  Settings,
  Webhook,
  Send,
};

/**
 * Main navigation. On md+ screens it is a fixed-width column; on small screens
 * it collapses to a bar with a "Menu" toggle. Intended layout:
 *   <div className="flex min-h-screen flex-col md:flex-row">
 *     <Sidebar audience={{ root, admin, warehouses }} />
 *     <div className="flex min-w-0 flex-1 flex-col"><AppHeader …/><main>…</main></div>
 *   </div>
 */
export function Sidebar({ audience }: { audience: NavAudience }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const sections = visibleNavSections(audience);

  return (
    <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:shrink-0 md:overflow-y-auto md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex h-14 items-center justify-between px-4">
        <Link href="/" className="flex items-center gap-2 font-semibold text-zinc-900 dark:text-zinc-100">
          <span
            aria-hidden="true"
            className="inline-flex h-7 w-7 items-center justify-center rounded-md bg-indigo-600 text-xs font-bold text-white"
          >
            P
          </span>
          <span>Pangolin</span>
        </Link>
        <button
          type="button"
          className="inline-flex h-8 w-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
          aria-expanded={open}
          aria-controls="sidebar-nav"
          aria-label={open ? 'Close navigation' : 'Open navigation'}
          onClick={() => setOpen((v) => !v)}
        >
          {open ? <X className="h-5 w-5" aria-hidden="true" /> : <Menu className="h-5 w-5" aria-hidden="true" />}
        </button>
      </div>

      <nav id="sidebar-nav" aria-label="Main" className={`${open ? 'block' : 'hidden'} px-3 pb-4 md:block`}>
        {sections.map((section) => (
          <div key={section.id} className="mt-4 first:mt-1">
            {section.title ? (
              <h2
                id={`nav-${section.id}`}
                className="px-2 pb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
              >
                {section.title}
              </h2>
            ) : null}
            <ul className="space-y-0.5" aria-labelledby={section.title ? `nav-${section.id}` : undefined}>
              {section.items.map((item) => {
                const active = isNavItemActive(pathname, item.href);
                const Icon = ICONS[item.icon];
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? 'page' : undefined}
                      onClick={() => setOpen(false)}
                      className={[
                        'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm transition-colors',
                        active
                          ? 'bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-500/15 dark:text-indigo-300'
                          : 'text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
                      ].join(' ')}
                    >
                      <Icon className="h-4 w-4 shrink-0" aria-hidden="true" />
                      <span>{item.label}</span>
                      {item.href === '/access-requests' && audience.pendingRequests ? (
                        <span className="ml-auto rounded-full bg-indigo-600 px-1.5 text-xs font-medium text-white tabular-nums">
                          {audience.pendingRequests}
                          <span className="sr-only"> waiting for a decision</span>
                        </span>
                      ) : null}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </nav>
    </aside>
  );
}
