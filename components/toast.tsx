'use client';

import { usePathname } from 'next/navigation';
import { FLASH_COOKIE } from '@/lib/action-result';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Toasts: a short confirmation after an action ("Grant revoked."), announced politely to screen readers, gone after
 * a few seconds or when dismissed. Actions that stay on the page answer their message and the caller toasts it
 * (ConfirmButton); actions that redirect leave it in a short-lived cookie (`flashThenRedirect` in lib/action.ts),
 * which the provider reads after the navigation and deletes.
 */
const SHOW_MS = 6000;

type Toast = { id: number; message: string };
const ToastContext = createContext<((message: string) => void) | null>(null);

/** `toast(message)`; a no-op outside the console shell. */
export function useToast(): (message: string) => void {
  return useContext(ToastContext) ?? (() => undefined);
}

function takeFlash(): string | null {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${FLASH_COOKIE}=`));
  if (!match) return null;
  document.cookie = `${FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  try {
    return decodeURIComponent(match.slice(FLASH_COOKIE.length + 1)).slice(0, 300) || null;
  } catch {
    return null;
  }
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(0);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const toast = useCallback(
    (message: string) => {
      const id = ++next.current;
      setToasts((t) => [...t.slice(-2), { id, message }]);
      setTimeout(() => dismiss(id), SHOW_MS);
    },
    [dismiss],
  );
  const pathname = usePathname();
  useEffect(() => {
    const message = takeFlash();
    if (message) toast(message);
  }, [pathname, toast]);

  return (
    <ToastContext.Provider value={toast}>
      {children}
      <div
        role="status"
        aria-live="polite"
        aria-label="Notifications"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            className="pointer-events-auto flex items-start gap-3 rounded-md border border-green-200 bg-white px-3 py-2 text-sm text-zinc-900 shadow-lg dark:border-green-500/30 dark:bg-zinc-900 dark:text-zinc-100"
          >
            <p className="flex-1">{t.message}</p>
            <button
              type="button"
              onClick={() => dismiss(t.id)}
              className="text-zinc-500 hover:text-zinc-800 dark:hover:text-zinc-200"
              aria-label="Dismiss notification"
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
