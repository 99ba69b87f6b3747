/**
 * Top bar. Server-compatible (no hooks, no data fetching); the theme toggle
 * is a client island. Pass a server action as `signOutAction`.
 */
import { BookOpen, ChevronDown, LogOut, UserRound } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ThemeToggle } from './theme-toggle';

/** "tenant_admin" → "Tenant admin", "root" → "Root". */
export function roleLabel(role: string): string {
  const text = role.replace(/[_-]+/g, ' ').trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1).toLowerCase() : 'Unknown role';
}

export function AppHeader({
  user,
  tenantSwitcher,
  signOutAction,
}: {
  user: { username: string; role: string };
  tenantSwitcher?: ReactNode;
  signOutAction: () => Promise<void>;
}) {
  return (
    <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-zinc-200 bg-white/90 px-4 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
      <p className="truncate text-sm font-semibold text-zinc-900 dark:text-zinc-100">Pangolin Console</p>

      <div className="ml-auto flex items-center gap-2">
        {tenantSwitcher ? <div className="flex items-center">{tenantSwitcher}</div> : null}
        <ThemeToggle />

        <details className="group relative">
          <summary
            className="flex list-none items-center gap-1.5 rounded-md px-2 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 [&::-webkit-details-marker]:hidden"
            aria-label={`User menu for ${user.username}`}
          >
            <UserRound className="h-4 w-4" aria-hidden="true" />
            <span className="hidden max-w-[12rem] truncate sm:inline">{user.username}</span>
            <ChevronDown className="h-3.5 w-3.5 transition-transform group-open:rotate-180" aria-hidden="true" />
          </summary>
          <div className="absolute right-0 z-30 mt-1 w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
            <div className="px-3 py-2">
              <p
                className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100"
                data-testid="user-menu-username"
              >
                {user.username}
              </p>
              <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="user-menu-role">
                {roleLabel(user.role)}
              </p>
            </div>
            <div className="my-1 border-t border-zinc-200 dark:border-zinc-700" />
            <Link
              href="/profile"
              className="flex w-full items-center gap-2 rounded px-3 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              <UserRound className="h-4 w-4" aria-hidden="true" />
              Profile
            </Link>
            <Link
              href="/api/docs"
              className="flex w-full items-center gap-2 rounded px-3 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
            >
              <BookOpen className="h-4 w-4" aria-hidden="true" />
              API reference
            </Link>
            <form action={signOutAction}>
              <button
                type="submit"
                className="flex w-full items-center gap-2 rounded px-3 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
              >
                <LogOut className="h-4 w-4" aria-hidden="true" />
                Sign out
              </button>
            </form>
          </div>
        </details>
      </div>
    </header>
  );
}
