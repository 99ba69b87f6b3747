import type { Queryable } from '@/db/client';
import type { PermissionAction } from '@/db/schema';
import type { Actor } from '../actor';
import { authorize, can, requireTenant } from '../authz';
import { forbidden } from '../errors';
import { findCatalog } from '../catalog/lookup';

/** The catalog (this tenant's, by name or id) after checking the actor may `action` on it as a whole. */
export async function catalogFor(q: Queryable, actor: Actor, catalog: string, action: PermissionAction) {
  const tenantId = requireTenant(actor);
  const c = await findCatalog(q, tenantId, catalog);
  await authorize(q, actor, action, { tenantId, catalogId: c.id }, 'Catalog');
  return c;
}

/**
 * Changing a branch through a merge: write on the catalog; a protected branch changes only by merge, and
 * only by those holding `all` on the catalog (its maintainers, and admins).
 */
export async function authorizeMergeInto(
  q: Queryable,
  actor: Actor,
  catalog: { id: string; tenantId: string },
  target: { name: string; protected: boolean },
) {
  await authorize(q, actor, 'write', { tenantId: catalog.tenantId, catalogId: catalog.id }, 'Catalog');
  if (target.protected && !(await can(q, actor, 'all', { tenantId: catalog.tenantId, catalogId: catalog.id }))) {
    throw forbidden(
      `Branch "${target.name}" is protected: only maintainers of the catalog (the "all" permission) may merge into it`,
    );
  }
}

/** Creating an ingest or experimental branch: write on the catalog, or the matching branching permission. */
export async function authorizeBranching(
  q: Queryable,
  actor: Actor,
  catalog: { id: string; tenantId: string },
  type: 'ingest' | 'experimental',
) {
  const obj = { tenantId: catalog.tenantId, catalogId: catalog.id };
  if (await can(q, actor, 'write', obj)) return;
  if (await can(q, actor, `${type}-branching`, obj)) return;
  throw forbidden(
    `You may not create ${type} branches here: that needs write on the catalog or the "${type}-branching" permission`,
  );
}
