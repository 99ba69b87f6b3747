import 'server-only';
import { EmptyState } from '@/components/ui';

export { attempt, param, type SearchParams } from '@/components/page-state';
import type { Actor } from '@/lib/actor';


/** Root in the all-tenants view must pick a tenant before tenant-owned objects make sense. */
export function NeedTenant({ actor, what }: { actor: Actor; what: string }) {
  if (actor.tenantId) return null;
  return (
    <EmptyState
      title="Choose a tenant first"
      description={`${what} belong to a tenant. Pick one with the Tenant switcher at the top of the page.`}
    />
  );
}


