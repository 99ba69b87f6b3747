import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { v7 as uuidv7 } from 'uuid';
import { accessRequests, permissions, users, type PermissionAction } from '@/db/schema';
import type { Actor } from '../actor';
import { decideScope, loadGrants, requireTenant } from '../authz';
import { conflict, forbidden, notFound } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { accessRequestDecided, accessRequestMade } from './notify';
import { actionsInput, assertHolds, assertSteward, futureDate, optionalText } from './guards';
import {
  assetIn,
  checkScopeFields,
  resolveScope,
  scopeFrom,
  scopeInput,
  scopeLookup,
  type ResolvedScope,
} from './scope';
import { idSchema } from '@/lib/ids';

/** What may be asked for: data access, not administration of discovery or branching. */
export const REQUESTABLE: PermissionAction[] = ['read', 'list', 'write', 'create', 'update', 'delete'];

export const requestInput = scopeInput
  .extend({
    scopeType: z.enum(
      ['catalog', 'namespace', 'asset'],
      'Access can be requested to a catalog, a namespace or a table',
    ),
    actions: z
      .preprocess((v) => (v === undefined || v === '' ? ['read'] : v), actionsInput)
      .refine((a) => a.every((x) => REQUESTABLE.includes(x)), `Only ${REQUESTABLE.join(', ')} can be requested`),
    reason: z
      .string()
      .trim()
      .min(5, 'Say why you need access (at least 5 characters)')
      .max(2000, 'The reason is at most 2000 characters'),
  })
  .superRefine(checkScopeFields);

const notFoundFor = (t: string) =>
  notFound(t === 'asset' ? 'Table or view' : t === 'namespace' ? 'Namespace' : 'Catalog');

/**
 * Whether the requester can see the object at all: a discoverable asset (or a catalog or namespace holding one),
 * or something they already have some grant on. Anything else is "not found", so requests reveal nothing.
 */
async function assertVisible(tx: Tx, actor: Actor, tenantId: string, scope: ResolvedScope) {
  const grants = await loadGrants(tx, actor);
  if (decideScope(actor, grants, 'list', scope.ref, tenantId).allowed) return;
  const ref = scope.ref;
  if (ref.type === 'asset') {
    const asset = await assetIn(tx, tenantId, ref.assetId);
    if (asset?.discoverable) return;
  } else if (ref.type === 'catalog' || ref.type === 'namespace') {
    const path = ref.type === 'namespace' ? ref.namespacePath : [];
    const insideGrant = grants.some(
      (g) =>
        g.catalogId === ref.catalogId &&
        (path.length === 0 ||
          (g.namespacePath && g.namespacePath.slice(0, path.length).join('\u0000') === path.join('\u0000'))),
    );
    if (insideGrant) return;
    const pathCond = path.length
      ? sql`AND n.path[1:${path.length}] = ARRAY[${sql.join(
          path.map((p) => sql`${p}`),
          sql`, `,
        )}]::text[]`
      : sql``;
    const found = await tx.execute(sql`SELECT 1 FROM assets a
      JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
      JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
      WHERE a.tenant_id = ${tenantId} AND n.catalog_id = ${ref.catalogId} AND bm.discoverable ${pathCond} LIMIT 1`);
    if (found.rows.length) return;
  }
  throw notFoundFor(scope.scopeType);
}

export const createAccessRequest = defineMutation({
  action: 'access_request.create',
  recordInput: ['scopeType', 'catalogId', 'namespaceId', 'assetId', 'tag', 'actions', 'reason'],
  resourceType: 'access_request',
  input: requestInput,
  authorize: async (tx, actor, input) => {
    if (actor.kind !== 'user') throw forbidden('Only people can request access; grant service users directly');
    const tenantId = requireTenant(actor);
    const scope = await resolveScope(tx, tenantId, input).catch((e) => {
      throw e.code === 'not_found' ? notFoundFor(input.scopeType) : e;
    });
    if (actor.role !== 'tenant_user') throw conflict('You already have access to everything in this tenant');
    await assertVisible(tx, actor, tenantId, scope);
    const grants = await loadGrants(tx, actor);
    if (input.actions.every((a) => decideScope(actor, grants, a, scope.ref, tenantId).allowed)) {
      throw conflict(`You already have ${input.actions.join(', ')} on ${scope.label}`);
    }
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const scope = await resolveScope(tx, tenantId, input);
    const [dup] = await tx
      .select({ id: accessRequests.id })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.tenantId, tenantId),
          eq(accessRequests.requesterId, actor.id),
          eq(accessRequests.status, 'pending'),
          eq(accessRequests.scopeType, scope.scopeType as 'asset'),
          eq(accessRequests.catalogId, scope.catalogId!),
          scope.namespaceId
            ? eq(accessRequests.namespaceId, scope.namespaceId)
            : sql`${accessRequests.namespaceId} IS NULL`,
          scope.assetId ? eq(accessRequests.assetId, scope.assetId) : sql`${accessRequests.assetId} IS NULL`,
        ),
      )
      .limit(1);
    if (dup) throw conflict(`You already asked for access to ${scope.label}; that request is still pending`);
    const [r] = await tx
      .insert(accessRequests)
      .values({
        tenantId,
        requesterId: actor.id,
        scopeType: scope.scopeType as 'asset',
        catalogId: scope.catalogId!,
        namespaceId: scope.namespaceId,
        assetId: scope.assetId,
        actions: input.actions,
        reason: input.reason,
      })
      .returning({ id: accessRequests.id, status: accessRequests.status });
    await accessRequestMade(tx, actor, tenantId, scope, { ...input, id: r.id, requesterId: actor.id });
    return {
      data: { id: r.id, status: r.status, scope: scope.label },
      audit: {
        resourceId: r.id,
        resourceName: scope.label,
        metadata: { actions: input.actions, scopeType: scope.scopeType },
      },
    };
  },
  revalidate: () => ['/access-requests'],
});

async function loadRequest(tx: Tx, tenantId: string, id: string) {
  const [r] = await tx
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.tenantId, tenantId), eq(accessRequests.id, id)))
    .limit(1);
  if (!r) throw notFound('Access request');
  return r;
}

const requestScope = (
  r: Pick<typeof accessRequests.$inferSelect, 'scopeType' | 'catalogId' | 'namespaceId' | 'assetId'>,
) => ({
  scopeType: r.scopeType,
  catalogId: r.catalogId,
  namespaceId: r.namespaceId ?? undefined,
  assetId: r.assetId ?? undefined,
  tag: undefined,
});

type Decision = { requesterId: string; actions: PermissionAction[]; scope: ResolvedScope };

/** A request to decide with its scope resolved: one statement. */
async function loadDecision(tx: Tx, tenantId: string, id: string): Promise<Decision> {
  const res = await tx.execute<{
    requester_id: string;
    scope_type: 'catalog' | 'namespace' | 'asset';
    catalog_id: string;
    namespace_id: string | null;
    asset_id: string | null;
    actions: PermissionAction[];
    s: unknown;
  }>(sql`
    SELECT r.requester_id, r.scope_type, r.catalog_id, r.namespace_id, r.asset_id, r.actions,
      ${scopeLookup(tenantId, {
        scopeType: sql`r.scope_type`,
        catalogId: sql`r.catalog_id`,
        namespaceId: sql`r.namespace_id`,
        assetId: sql`r.asset_id`,
      })} AS s
    FROM ${accessRequests} r WHERE r.tenant_id = ${tenantId} AND r.id = ${id}::uuid`);
  const r = res.rows[0];
  if (!r) throw notFound('Access request');
  const scope = scopeFrom(
    requestScope({
      scopeType: r.scope_type,
      catalogId: r.catalog_id,
      namespaceId: r.namespace_id,
      assetId: r.asset_id,
    }),
    r.s,
  );
  return { requesterId: r.requester_id, actions: r.actions, scope };
}

/** authorize and run share one transaction and the same parsed input: the request is read once, in authorize. */
const decisions = new WeakMap<Tx, { input: object; decision: Decision }>();

export const decideAccessRequest = defineMutation({
  action: 'access_request.decide',
  recordInput: ['id', 'decision', 'comment', 'expiresAt'],
  resourceType: 'access_request',
  input: z
    .object({
      id: idSchema('Access request'),
      decision: z.enum(['approve', 'reject'], 'Decide approve or reject'),
      comment: optionalText(2000, 'Comment'),
      /** Approve until this date: the grant then expires by itself. */
      expiresAt: futureDate('Access end date'),
    })
    .superRefine((v, ctx) => {
      if (v.decision === 'reject' && !v.comment)
        ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Say why the request is rejected' });
      if (v.decision === 'reject' && v.expiresAt)
        ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'An end date only applies to an approval' });
    }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const d = await loadDecision(tx, tenantId, input.id);
    await assertSteward(tx, actor, tenantId, d.scope, 'decide access requests there');
    if (d.requesterId === actor.id) throw forbidden('You cannot decide your own access request');
    if (input.decision === 'approve') await assertHolds(tx, actor, tenantId, d.scope, d.actions);
    decisions.set(tx, { input, decision: d });
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const memo = decisions.get(tx);
    const { scope } = memo?.input === input ? memo.decision : await loadDecision(tx, tenantId, input.id);
    const status = input.decision === 'approve' ? 'approved' : 'rejected';
    const approve = input.decision === 'approve';
    const expiresAt = approve ? (input.expiresAt ?? null) : null;
    // The grant is created by the decision's statement: if it fails, the approval fails with it. Only a pending
    // request can be decided: two stewards deciding at once → exactly one wins. The requester's name and address
    // (for the mail and the event) come back with it.
    const grantId = approve ? uuidv7() : null;
    const res = await tx.execute<{
      id: string;
      requester_id: string;
      actions: PermissionAction[];
      reason: string;
      permission_id: string | null;
      username: string | null;
      email: string | null;
      active: boolean | null;
    }>(sql`
      WITH d AS (
        UPDATE ${accessRequests} SET status = ${status}, reviewed_by = ${actor.id}::uuid, reviewed_at = now(),
          review_comment = ${input.comment ?? null}, grant_expires_at = ${expiresAt}::timestamptz,
          permission_id = ${grantId}::uuid
        WHERE tenant_id = ${tenantId} AND id = ${input.id}::uuid AND status = 'pending'
        RETURNING id, requester_id, actions, reason
      ), g AS (
        INSERT INTO ${permissions} (tenant_id, id, user_id, scope_type, catalog_id, namespace_id, asset_id, actions,
                                    expires_at, granted_by, access_request_id)
        SELECT ${tenantId}::uuid, ${grantId}::uuid, d.requester_id, ${scope.scopeType}, ${scope.catalogId}::uuid,
               ${scope.namespaceId}::uuid, ${scope.assetId}::uuid, d.actions, ${expiresAt}::timestamptz,
               ${actor.id}::uuid, d.id
        FROM d WHERE ${approve}
        RETURNING id
      )
      SELECT d.id, d.requester_id, d.actions, d.reason, (SELECT g.id FROM g) AS permission_id,
             u.username, u.email, u.active
      FROM d LEFT JOIN ${users} u ON u.tenant_id = ${tenantId} AND u.id = d.requester_id`);
    const decided = res.rows[0];
    if (!decided) {
      const [cur] = await tx
        .select({ status: accessRequests.status, reviewedAt: accessRequests.reviewedAt, by: users.username })
        .from(accessRequests)
        .leftJoin(users, eq(users.id, accessRequests.reviewedBy))
        .where(and(eq(accessRequests.tenantId, tenantId), eq(accessRequests.id, input.id)))
        .limit(1);
      if (!cur) throw notFound('Access request');
      throw conflict(
        `This request was already ${cur.status}${cur.by ? ` by ${cur.by}` : ''}${cur.reviewedAt ? ` on ${cur.reviewedAt.toISOString().slice(0, 10)}` : ''}; it cannot be decided twice`,
      );
    }
    const permissionId = decided.permission_id;
    await accessRequestDecided(tx, actor, tenantId, scope, {
      id: decided.id,
      requesterId: decided.requester_id,
      actions: decided.actions,
      reason: decided.reason,
      requester: decided.username
        ? { username: decided.username, email: decided.email, active: !!decided.active }
        : null,
      status,
      comment: input.comment ?? null,
      expiresAt: input.expiresAt ?? null,
    });
    return {
      data: { id: decided.id, status, permissionId, expiresAt: input.expiresAt ?? null },
      audit: {
        resourceId: decided.id,
        resourceName: scope.label,
        metadata: {
          decision: status,
          requesterId: decided.requester_id,
          actions: decided.actions,
          permissionId,
          expiresAt: input.expiresAt ?? null,
          comment: input.comment ?? null,
        },
      },
    };
  },
  revalidate: (input) => ['/access-requests', `/access-requests/${input.id}`],
});

export const cancelAccessRequest = defineMutation({
  action: 'access_request.cancel',
  recordInput: ['id'],
  resourceType: 'access_request',
  input: z.object({ id: idSchema('Access request') }),
  authorize: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const r = await loadRequest(tx, tenantId, input.id);
    if (r.requesterId !== actor.id) throw forbidden('Only the person who asked can cancel a request');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [r] = await tx
      .update(accessRequests)
      .set({ status: 'cancelled', reviewedAt: sql`now()` })
      .where(
        and(
          eq(accessRequests.tenantId, tenantId),
          eq(accessRequests.id, input.id),
          eq(accessRequests.status, 'pending'),
        ),
      )
      .returning({ id: accessRequests.id });
    if (!r) throw conflict('Only a pending request can be cancelled');
    return { data: { id: r.id, status: 'cancelled' }, audit: { resourceId: r.id } };
  },
  revalidate: (input) => ['/access-requests', `/access-requests/${input.id}`],
});

registerMutations(createAccessRequest, decideAccessRequest, cancelAccessRequest);
