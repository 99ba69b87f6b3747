'use client';

import { Monitor, Moon, Sun } from 'lucide-react';
import { useTheme } from 'next-themes';
import { useSyncExternalStore } from 'react';

const ORDER = ['light', 'dark', 'system'] as const;
type ThemeChoice = (typeof ORDER)[number];

const subscribe = () => () => {};

/** True only after hydration, so server and first client render agree. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

function current(theme: string | undefined): ThemeChoice {
  return theme === 'light' || theme === 'dark' ? theme : 'system';
}

/** Cycles light → dark → system. Accessible name is always "Toggle theme". */
export function ThemeToggle({ className }: { className?: string }) {
  const { theme, setTheme } = useTheme();
  const hydrated = useHydrated();
  const active = hydrated ? current(theme) : 'system';
  const next = ORDER[(ORDER.indexOf(active) + 1) % ORDER.length];
  const Icon = active === 'light' ? Sun : active === 'dark' ? Moon : Monitor;

  return (
    <button
      type="button"
      aria-label="Toggle theme"
      title={hydrated ? `Theme: ${active} (switch to ${next})` : 'Toggle theme'}
      data-theme-choice={hydrated ? active : undefined}
      onClick={() => setTheme(next)}
      className={[
        'inline-flex h-8 w-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900',
        'dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
        className ?? '',
      ].join(' ')}
    >
      <Icon className="h-4 w-4" aria-hidden="true" />
    </button>
  );
}
