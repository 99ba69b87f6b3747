import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { permissions, userRoles, users } from '@/db/schema';
import type { Actor } from '../actor';
import { actorForUser, decideScope, queryGrants } from '../authz';
import { formatDate } from '../format';
import { emitEvent, publicUrl, queueMail } from '../outbox';
import type { ResolvedScope } from './scope';

/**
 * Who hears of access requests, in the transaction of the change: the stewards who may decide a new request (its
 * tenant's admins and whoever holds "manage-discovery" over its scope) are mailed, the requester is mailed the
 * decision, and webhooks subscribed to `access_request.created` / `.decided` are called. Without SMTP settings
 * only the webhooks go out.
 */

type RequestFacts = { id: string; requesterId: string; actions: string[]; reason: string };

const link = (path: string) => (publicUrl() ? `${publicUrl()}${path}` : `the console, ${path}`);

/** Active people of the tenant with an address who may decide requests on this scope (not the requester). */
async function stewardsOf(tx: Tx, viewer: Actor, tenantId: string, scope: ResolvedScope, except: string) {
  const candidates = await tx
    .select({ id: users.id, username: users.username, role: users.role, tenantId: users.tenantId, email: users.email })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.active, true),
        isNotNull(users.email),
        or(
          eq(users.role, 'tenant_admin'),
          sql`EXISTS (SELECT 1 FROM ${permissions} p WHERE p.tenant_id = ${tenantId} AND (p.user_id = ${users.id}
            OR p.role_id IN (SELECT ur.role_id FROM ${userRoles} ur WHERE ur.tenant_id = ${tenantId} AND ur.user_id = ${users.id})))`,
        ),
      ),
    )
    .limit(500);
  const out: { email: string; username: string }[] = [];
  for (const c of candidates) {
    if (c.id === except) continue;
    if (c.role !== 'tenant_admin') {
      const who = actorForUser(c, viewer);
      const grants = await queryGrants(tx, { kind: 'user', id: c.id }, tenantId);
      if (!decideScope(who, grants, 'manage-discovery', scope.ref, tenantId).allowed) continue;
    }
    out.push({ email: c.email!, username: c.username });
  }
  return out;
}

export async function accessRequestMade(
  tx: Tx,
  actor: Actor,
  tenantId: string,
  scope: ResolvedScope,
  r: RequestFacts,
): Promise<void> {
  const stewards = await stewardsOf(tx, actor, tenantId, scope, r.requesterId);
  await queueMail(
    tx,
    tenantId,
    'access_request.created',
    stewards.map((s) => ({
      to: s.email,
      subject: `Access request: ${actor.name} asks for ${r.actions.join(', ')} on ${scope.label}`,
      text: [
        `Hello ${s.username},`,
        '',
        `${actor.name} asks for ${r.actions.join(', ')} on ${scope.label}:`,
        '',
        `  "${r.reason}"`,
        '',
        `You may approve or reject it at ${link(`/access-requests/${r.id}`)}.`,
      ].join('\n'),
    })),
  );
  await emitEvent(tx, tenantId, 'access_request.created', {
    id: r.id,
    scope: scope.label,
    scopeType: scope.scopeType,
    actions: r.actions,
    requester: actor.name,
    reason: r.reason,
  });
}

export async function accessRequestDecided(
  tx: Tx,
  actor: Actor,
  tenantId: string,
  scope: ResolvedScope,
  r: RequestFacts & {
    status: 'approved' | 'rejected';
    comment: string | null;
    expiresAt: Date | null;
    /** The requester as the decision's statement read them (null: gone). */
    requester: { username: string; email: string | null; active: boolean } | null;
  },
): Promise<void> {
  const requester = r.requester;
  const until = r.expiresAt ? `until ${formatDate(r.expiresAt)} (the grant ends by itself then)` : 'with no end date';
  if (requester?.email && requester.active) {
    await queueMail(tx, tenantId, 'access_request.decided', [
      {
        to: requester.email,
        subject: `Your access request was ${r.status}: ${scope.label}`,
        text: [
          `Hello ${requester.username},`,
          '',
          r.status === 'approved'
            ? `${actor.name} approved your request for ${r.actions.join(', ')} on ${scope.label}, ${until}.`
            : `${actor.name} rejected your request for ${r.actions.join(', ')} on ${scope.label}.`,
          ...(r.comment ? ['', `Comment: ${r.comment}`] : []),
          '',
          `Details: ${link(`/access-requests/${r.id}`)}`,
        ].join('\n'),
      },
    ]);
  }
  await emitEvent(tx, tenantId, 'access_request.decided', {
    id: r.id,
    scope: scope.label,
    actions: r.actions,
    requester: requester?.username ?? null,
    decision: r.status,
    decidedBy: actor.name,
    comment: r.comment,
    grantExpiresAt: r.expiresAt?.toISOString() ?? null,
  });
}
