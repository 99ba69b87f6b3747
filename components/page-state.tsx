import 'server-only';
import type { ReactNode } from 'react';
import { EmptyState, ErrorState } from '@/components/ui';
import { toAppError } from '@/lib/errors';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** First value of a search parameter. */
export const param = (sp: Record<string, string | string[] | undefined>, key: string): string | undefined => {
  const v = sp[key];
  return (Array.isArray(v) ? v[0] : v) || undefined;
};

/** Runs a page's read; refusals, bad input and "not found" become a message on the page, anything else the error page. */
export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; view: ReactNode }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const e = toAppError(err);
    if (!e || e.status >= 500) throw err;
    const title =
      e.code === 'not_found' ? 'Not found' : e.code === 'forbidden' ? 'Not allowed' : 'This cannot be shown';
    return { ok: false, view: <ErrorState title={title} message={e.message} /> };
  }
}

/** Root in the all-tenants view must pick a tenant before tenant-owned objects make sense. */
export function NeedTenant({ what }: { what: string }) {
  return (
    <EmptyState
      title="Choose a tenant first"
      description={`${what} belong to a tenant. Pick one with the Tenant switcher at the top of the page.`}
    />
  );
}
