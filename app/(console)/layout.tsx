import { AppHeader } from '@/components/app-header';
import { Sidebar } from '@/components/sidebar';
import { TenantSwitcher } from '@/components/tenant-switcher';
import { ToastProvider } from '@/components/toast';
import { getDb } from '@/db/client';
import { can, isSteward } from '@/lib/authz';
import { listAccessRequests } from '@/lib/governance/queries/access-requests';
import { listTenantChoices } from '@/lib/catalog/queries/tenants';
import { requireActor } from '@/lib/auth/session';
import { signOutAction, switchTenantAction } from './actions';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireActor({ firstStepOk: true });
  // The shell renders for a temporary password too; the page itself sends them to /profile (requireActor).
  const isRoot = actor.role === 'root';
  const tenantChoices = isRoot ? await listTenantChoices(actor) : [];
  const admin = isRoot || actor.role === 'tenant_admin';
  // Whoever may create catalogs picks a warehouse, so they see warehouses (lib/catalog/queries/warehouses.ts).
  const warehouses =
    admin || (!!actor.tenantId && (await can(await getDb(), actor, 'create', { tenantId: actor.tenantId })));
  // Stewards see how many requests wait for them (their queue: what they may decide, and their own).
  const pendingRequests =
    actor.tenantId && (await isSteward(await getDb(), actor))
      ? (await listAccessRequests(actor, { status: 'pending', limit: 1 })).total
      : 0;
  return (
    <ToastProvider>
      <div className="flex min-h-screen flex-col md:flex-row">
        {/* The first Tab stop: straight to the page, past the navigation (WCAG 2.4.1). */}
        <a
          href="#content"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:shadow dark:focus:bg-zinc-900 dark:focus:text-indigo-300"
        >
          Skip to content
        </a>
        <Sidebar audience={{ root: isRoot, admin, warehouses, pendingRequests }} />
        <div className="flex min-w-0 flex-1 flex-col">
          <AppHeader
            user={{ username: actor.name, role: actor.role }}
            signOutAction={signOutAction}
            tenantSwitcher={
              isRoot ? (
                <TenantSwitcher
                  tenants={tenantChoices}
                  currentTenantId={actor.tenantId}
                  switchTenantAction={switchTenantAction}
                />
              ) : undefined
            }
          />
          <main id="content" tabIndex={-1} className="flex-1 p-4 focus:outline-none md:p-8">
            {children}
          </main>
        </div>
      </div>
    </ToastProvider>
  );
}
