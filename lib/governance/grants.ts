import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { permissions, roles, serviceUsers, userRoles, users, type PermissionAction } from '@/db/schema';
import { type Actor, isRoot } from '../actor';
import { isTenantAdmin, requireTenant, requireTenantAdmin } from '../authz';
import { badRequest, forbidden, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { actionsInput, assertHolds, checkbox, assertSteward, futureDate, holdsRole } from './guards';
import { checkScopeFields, scopeFrom, scopeInput, scopeLookup, type ResolvedScope } from './scope';
import { idSchema } from '@/lib/ids';

const optionalId = (what: string) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), idSchema(what).optional());

export const grantInput = scopeInput
  .extend({
    userId: optionalId('User'),
    serviceUserId: optionalId('Service user'),
    roleId: optionalId('Role'),
    actions: actionsInput,
    expiresAt: futureDate('Expiry'),
  })
  .superRefine((v, ctx) => {
    checkScopeFields(v, ctx);
    const n = [v.userId, v.serviceUserId, v.roleId].filter(Boolean).length;
    if (n !== 1)
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'Grant to exactly one user, service user or role' });
  });
export type GrantInput = z.output<typeof grantInput>;

type Grantee = { kind: 'user' | 'service_user' | 'role'; id: string; name: string };
type Checked = { grantee: Grantee; scope: ResolvedScope };

/** The grantee of the tenant as one json value ({ id, name }), or NULL. */
function granteeLookup(tenantId: string, input: Pick<GrantInput, 'userId' | 'serviceUserId' | 'roleId'>) {
  if (input.userId)
    return sql`(SELECT json_build_object('id', g.id, 'name', g.username) FROM ${users} g
      WHERE g.tenant_id = ${tenantId} AND g.id = ${input.userId}::uuid)`;
  if (input.serviceUserId)
    return sql`(SELECT json_build_object('id', g.id, 'name', g.name) FROM ${serviceUsers} g
      WHERE g.tenant_id = ${tenantId} AND g.id = ${input.serviceUserId}::uuid)`;
  return sql`(SELECT json_build_object('id', g.id, 'name', g.name) FROM ${roles} g
    WHERE g.tenant_id = ${tenantId} AND g.id = ${input.roleId!}::uuid)`;
}

/**
 * Everything a new grant must satisfy: grantee and scope inside the actor's tenant (else not found), no
 * granting to oneself or to a role one holds, and no granting more than one holds. Grantee, scope and whether
 * the actor holds the role are read in one statement.
 */
export async function checkGrant(tx: Tx, actor: Actor, input: GrantInput): Promise<Checked> {
  const tenantId = requireTenant(actor);
  const kind: Grantee['kind'] = input.userId ? 'user' : input.serviceUserId ? 'service_user' : 'role';
  const asksHeldRole = kind === 'role' && actor.kind === 'user' && !isRoot(actor);
  const res = await tx.execute<{ g: unknown; s: unknown; held: boolean | null }>(sql`
    SELECT ${granteeLookup(tenantId, input)} AS g, ${scopeLookup(tenantId, input)} AS s,
      ${
        asksHeldRole
          ? sql`EXISTS (SELECT 1 FROM ${userRoles} ur WHERE ur.tenant_id = ${tenantId} AND ur.user_id = ${actor.id}::uuid
              AND ur.role_id = ${input.roleId!}::uuid)`
          : sql`NULL::boolean`
      } AS held`);
  const row = res.rows[0];
  const g = (typeof row?.g === 'string' ? JSON.parse(row.g) : row?.g) as { id: string; name: string } | null;
  if (!g) throw notFound(kind === 'user' ? 'User' : kind === 'service_user' ? 'Service user' : 'Role');
  const grantee: Grantee = { kind, id: g.id, name: g.name };
  const scope = scopeFrom(input, row.s);
  if (grantee.kind === 'role') {
    requireTenantAdmin(actor);
    if (row.held) throw forbidden(`You cannot change the grants of ${grantee.name}: you hold that role yourself`);
  } else {
    if (grantee.id === actor.id) throw forbidden('You cannot grant permissions to yourself');
    if (!isTenantAdmin(actor)) await assertSteward(tx, actor, tenantId, scope, 'grant access there');
  }
  await assertHolds(tx, actor, tenantId, scope, input.actions);
  return { grantee, scope };
}

/** authorize and run share one transaction and the same parsed input: the grant is checked once, in authorize. */
const checked = new WeakMap<Tx, { input: GrantInput; result: Checked }>();

/** Inserts a checked grant (also used when approving an access request, in the same transaction). */
export async function insertGrant(
  tx: Tx,
  actor: Actor,
  tenantId: string,
  grantee: Pick<Grantee, 'kind' | 'id'>,
  scope: ResolvedScope,
  actions: PermissionAction[],
  expiresAt: Date | null,
  accessRequestId: string | null = null,
) {
  const [row] = await tx
    .insert(permissions)
    .values({
      tenantId,
      userId: grantee.kind === 'user' ? grantee.id : null,
      serviceUserId: grantee.kind === 'service_user' ? grantee.id : null,
      roleId: grantee.kind === 'role' ? grantee.id : null,
      scopeType: scope.scopeType,
      catalogId: scope.catalogId,
      namespaceId: scope.namespaceId,
      assetId: scope.assetId,
      tag: scope.tag,
      actions,
      expiresAt,
      grantedBy: actor.id,
      accessRequestId,
    })
    .returning({ id: permissions.id });
  return row.id;
}

export const createGrant = defineMutation({
  action: 'permission.grant',
  recordInput: [
    'scopeType',
    'catalogId',
    'namespaceId',
    'assetId',
    'tag',
    'userId',
    'serviceUserId',
    'roleId',
    'actions',
    'expiresAt',
  ],
  resourceType: 'permission',
  input: grantInput,
  authorize: async (tx, actor, input) => {
    checked.set(tx, { input, result: await checkGrant(tx, actor, input) });
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const memo = checked.get(tx);
    const { grantee, scope } = memo?.input === input ? memo.result : await checkGrant(tx, actor, input);
    const id = await insertGrant(tx, actor, tenantId, grantee, scope, input.actions, input.expiresAt ?? null);
    return {
      data: { id, grantee, scope: scope.label, actions: input.actions, expiresAt: input.expiresAt ?? null },
      audit: {
        resourceId: id,
        resourceName: `${grantee.kind} ${grantee.name}`,
        metadata: {
          grantee,
          scope: scope.label,
          scopeType: scope.scopeType,
          actions: input.actions,
          expiresAt: input.expiresAt ?? null,
        },
      },
    };
  },
  revalidate: (input) => [
    input.roleId
      ? `/roles/${input.roleId}`
      : input.userId
        ? `/users/${input.userId}`
        : `/service-users/${input.serviceUserId}`,
  ],
});

export const revokeGrant = defineMutation({
  action: 'permission.revoke',
  recordInput: ['id', 'cascade'],
  resourceType: 'permission',
  input: z.object({
    id: idSchema('Permission'),
    /** Also revoke the grants the holder handed on to others (TenantAdmins only). */
    cascade: checkbox.optional(),
  }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [p] = await tx
      .select({ grantedBy: permissions.grantedBy, roleId: permissions.roleId })
      .from(permissions)
      .where(and(eq(permissions.tenantId, tenantId), eq(permissions.id, input.id)))
      .limit(1);
    if (!p) throw notFound('Permission');
    if (input.cascade && !isTenantAdmin(actor))
      throw forbidden('Only a TenantAdmin may revoke the grants someone handed on');
    if (isTenantAdmin(actor)) {
      if (p.roleId && !isRoot(actor) && (await holdsRole(tx, actor, tenantId, p.roleId))) {
        throw forbidden('You cannot change the grants of a role you hold yourself');
      }
      return;
    }
    if (p.grantedBy !== actor.id || p.roleId)
      throw forbidden('Only a TenantAdmin, or whoever granted it, may revoke this permission');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [p] = await tx
      .delete(permissions)
      .where(and(eq(permissions.tenantId, tenantId), eq(permissions.id, input.id)))
      .returning({
        id: permissions.id,
        userId: permissions.userId,
        serviceUserId: permissions.serviceUserId,
        roleId: permissions.roleId,
        scopeType: permissions.scopeType,
        actions: permissions.actions,
      });
    if (!p) throw badRequest('This permission was already revoked');
    // The holder's grants handed on to others go too when asked (in this transaction, listed in the one audit row).
    const handedOn =
      input.cascade && p.userId
        ? (
            await tx
              .delete(permissions)
              .where(and(eq(permissions.tenantId, tenantId), eq(permissions.grantedBy, p.userId)))
              .returning({ id: permissions.id })
          ).map((r) => r.id)
        : [];
    return {
      data: { ...p, handedOnRevoked: handedOn },
      audit: {
        resourceId: p.id,
        resourceName: `${p.scopeType} grant`,
        metadata: {
          userId: p.userId,
          serviceUserId: p.serviceUserId,
          roleId: p.roleId,
          actions: p.actions,
          handedOnRevoked: handedOn,
        },
      },
    };
  },
  revalidate: () => ['/roles', '/users', '/service-users'],
});

registerMutations(createGrant, revokeGrant);
