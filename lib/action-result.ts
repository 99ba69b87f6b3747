/**
 * Result shape returned by every server action that drives a form.
 * Plain types only — importable from server actions and client components.
 */
export type ActionResult<T = unknown> =
  | { ok: true; data: T; message?: string }
  | {
      ok: false;
      error: string;
      /** Per-field messages keyed by input name. */
      fieldErrors?: Record<string, string[]>;
      /** Correlation id surfaced to the user for support / audit lookups. */
      requestId?: string;
      /** What the person submitted (never secrets), echoed back so fields keep their values. */
      values?: Record<string, string>;
    };

/**
 * The cookie that carries an action's message across the redirect it ends with (`flashThenRedirect`, lib/action.ts);
 * the console's toasts read it after the navigation and delete it (components/toast.tsx).
 */
export const FLASH_COOKIE = 'pgl_flash';
