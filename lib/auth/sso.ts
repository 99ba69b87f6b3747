import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type Queryable } from '@/db/client';
import { roles, systemSettings, tenants, userIdentities, userRoles, users, type SsoPolicy } from '@/db/schema';
import type { RequestInfo } from '../actor';
import { appendAudit, recordAuditEvent, releaseLane } from '../audit-chain';
import { env } from '../env';
import { AppError } from '../errors';
import { attemptSucceeded, takeAttempt, throttleKeys } from './throttle';
import { issueToken } from './tokens';

export type { SsoPolicy };

/** The claims of a person the identity provider vouched for (ID token, with userinfo merged in). */
export type IdpClaims = Record<string, unknown> & { sub: string };

/** A claim's values as strings: a list, one string, or (for scope-like claims) nothing else. */
export function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const v = claims[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  return [];
}

/** Whether a tenant's policy admits this person: sign-on enabled and the claim holds one of the values. */
export function admits(policy: SsoPolicy | null | undefined, claims: Record<string, unknown>): boolean {
  if (!policy?.enabled || !policy.admitClaim || !policy.admitValues.length) return false;
  const have = new Set(claimValues(claims, policy.admitClaim));
  return policy.admitValues.some((v) => have.has(v));
}

/** What the group mapping gives this person: TenantAdmin or not, and which custom roles (ids). */
export function mappedRoles(policy: SsoPolicy, claims: Record<string, unknown>) {
  const groups = new Set(claimValues(claims, policy.groupsClaim || 'groups'));
  let admin = false;
  const roleIds = new Set<string>();
  for (const m of policy.mappings) {
    if (!groups.has(m.group)) continue;
    if ('builtin' in m.role) admin = true;
    else roleIds.add(m.role.roleId);
  }
  return { admin, roleIds: [...roleIds] };
}

export type SsoRefusal = {
  reason: 'not_admitted' | 'not_provisioned' | 'deactivated';
  tenantId: string | null;
};

type Candidate = { tenantId: string; tenantName: string; policy: SsoPolicy; userId: string | null };

/**
 * Which tenant a person signs in to: among the tenants whose policy admits them, the first by name where they
 * already have an account, else the first by name (where first sign-in may provision them). Documented in the
 * README ("Several tenants").
 */
export async function chooseTenant(q: Queryable, issuer: string, claims: IdpClaims): Promise<Candidate[]> {
  const rows = await q
    .select({
      tenantId: tenants.id,
      tenantName: tenants.name,
      policy: systemSettings.sso,
      userId: userIdentities.userId,
    })
    .from(systemSettings)
    .innerJoin(tenants, eq(tenants.id, systemSettings.tenantId))
    .leftJoin(
      userIdentities,
      and(
        eq(userIdentities.tenantId, systemSettings.tenantId),
        eq(userIdentities.issuer, issuer),
        eq(userIdentities.subject, claims.sub),
      ),
    )
    .where(sql`(${systemSettings.sso} ->> 'enabled')::boolean`)
    .orderBy(asc(tenants.name));
  const admitting = rows.filter((r): r is Candidate => admits(r.policy, claims));
  return [...admitting.filter((r) => r.userId), ...admitting.filter((r) => !r.userId)];
}

const USERNAME_OK = /[^a-zA-Z0-9_.-]+/g;

async function freeUsername(q: Queryable, claims: IdpClaims, tenantName: string): Promise<string> {
  const raw =
    (typeof claims.preferred_username === 'string' && claims.preferred_username) ||
    (typeof claims.email === 'string' && claims.email.split('@')[0]) ||
    `sso-${claims.sub}`;
  const base =
    raw
      .replace(USERNAME_OK, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'sso-user';
  const tries = [base, `${base}.${tenantName.replace(USERNAME_OK, '-').slice(0, 20)}`];
  for (let i = 2; i < 50; i++) tries.push(`${tries[1]}-${i}`);
  for (const name of tries) {
    const [taken] = await q.select({ id: users.id }).from(users).where(eq(users.username, name)).limit(1);
    if (!taken) return name;
  }
  throw new AppError('conflict', 'No free username for this person; ask an admin to create the account');
}

async function emailIfFree(q: Queryable, claims: IdpClaims): Promise<string | null> {
  if (typeof claims.email !== 'string' || !claims.email.includes('@') || claims.email_verified === false) return null;
  const [taken] = await q.select({ id: users.id }).from(users).where(eq(users.email, claims.email)).limit(1);
  // E-mail never links accounts: a taken address simply is not copied onto the new one.
  return taken ? null : claims.email.slice(0, 320);
}

/**
 * Signs in a person the identity provider authenticated (next-auth checked state, PKCE, nonce and the ID token):
 * picks the tenant, provisions the user on first sign-in when the tenant allows it, applies the group mapping (roles
 * that came from it and whose group is gone are removed; others are never touched) and issues the same session as
 * a password sign-in (tracked in active_tokens, revocable, named `sso`). Audited: `user.provision`,
 * `user.sso_roles`, `auth.sso_sign_in` (refusals too). The throttle counts refusals per address like failed
 * passwords. The second factor is the identity provider's: the console asks for no TOTP code after SSO.
 */
export async function signInWithSso(input: {
  issuer: string;
  claims: IdpClaims;
  request: RequestInfo;
  /** `access_token`: the first use of an IdP access token (an engine's): admitted and provisioned alike, no session. */
  via?: 'browser' | 'access_token';
}): Promise<
  | { ok: true; user: { id: string; username: string }; token: { jti: string; expiresAt: Date } }
  | (SsoRefusal & { ok: false })
> {
  const db = await getDb();
  const { issuer, claims, request } = input;
  const label = `sso:${claims.sub}`.slice(0, 200);
  const keys = throttleKeys(label, request.ip);
  try {
    await takeAttempt(db, keys);
  } catch (err) {
    await refusedAudit(null, null, label, (err as Error).message, request);
    throw err;
  }

  const candidates = await chooseTenant(db, issuer, claims);
  const chosen = candidates[0];
  if (!chosen) {
    await refusedAudit(null, null, label, 'No tenant admits this person', request);
    return { ok: false, reason: 'not_admitted', tenantId: null };
  }

  const result = await db.transaction(async (tx) => {
    const policy = chosen.policy;
    const want = mappedRoles(policy, claims);
    const [identity] = await tx
      .select()
      .from(userIdentities)
      .where(
        and(
          eq(userIdentities.tenantId, chosen.tenantId),
          eq(userIdentities.issuer, issuer),
          eq(userIdentities.subject, claims.sub),
        ),
      )
      .for('update')
      .limit(1);
    let user: { id: string; username: string; role: string; active: boolean };
    let adminFromMapping = identity?.adminFromMapping ?? false;
    const lanes: string[] = [];
    if (!identity) {
      if (!policy.provision) return { refused: 'not_provisioned' as const };
      const username = await freeUsername(tx, claims, chosen.tenantName);
      const [created] = await tx
        .insert(users)
        .values({
          tenantId: chosen.tenantId,
          username,
          email: await emailIfFree(tx, claims),
          displayName: typeof claims.name === 'string' ? claims.name.slice(0, 200) : null,
          passwordHash: null,
          role: want.admin ? 'tenant_admin' : 'tenant_user',
          oauthProvider: 'oidc',
          oauthSubject: claims.sub,
        })
        .returning({ id: users.id, username: users.username, role: users.role, active: users.active });
      user = created;
      adminFromMapping = want.admin;
      await tx.insert(userIdentities).values({
        tenantId: chosen.tenantId,
        issuer,
        subject: claims.sub,
        userId: user.id,
        adminFromMapping,
      });
      const { chainId } = await appendAudit(tx, {
        tenantId: chosen.tenantId,
        actor: { id: user.id, type: 'user', name: user.username },
        action: 'user.provision',
        resourceType: 'user',
        resourceId: user.id,
        resourceName: user.username,
        result: 'success',
        request,
        metadata: { issuer, subject: claims.sub, role: user.role },
      });
      lanes.push(chainId);
    } else {
      const [u] = await tx
        .select({ id: users.id, username: users.username, role: users.role, active: users.active })
        .from(users)
        .where(and(eq(users.id, identity.userId), eq(users.tenantId, chosen.tenantId)))
        .for('update')
        .limit(1);
      if (!u || !u.active) return { refused: 'deactivated' as const, user: u };
      user = u;
    }

    // The built-in role: TenantAdmin while a mapped group says so; taken back only when the mapping gave it.
    const roleChange: { from: string; to: string } | null =
      want.admin && user.role !== 'tenant_admin'
        ? { from: user.role, to: 'tenant_admin' }
        : !want.admin && user.role === 'tenant_admin' && adminFromMapping
          ? { from: user.role, to: 'tenant_user' }
          : null;
    if (roleChange) {
      await tx
        .update(users)
        .set({ role: roleChange.to as 'tenant_admin' | 'tenant_user' })
        .where(eq(users.id, user.id));
      user = { ...user, role: roleChange.to };
    }
    const nextAdminFromMapping = want.admin ? adminFromMapping || roleChange !== null : false;

    // Custom roles: add the mapped ones the user lacks (marked from_sso); remove from_sso ones no group gives now.
    const existing = await tx
      .select({ roleId: userRoles.roleId, fromSso: userRoles.fromSso, name: roles.name })
      .from(userRoles)
      .innerJoin(roles, and(eq(roles.tenantId, userRoles.tenantId), eq(roles.id, userRoles.roleId)))
      .where(and(eq(userRoles.tenantId, chosen.tenantId), eq(userRoles.userId, user.id)));
    const have = new Set(existing.map((r) => r.roleId));
    const wantIds = new Set(want.roleIds);
    const toAdd = want.roleIds.length
      ? await tx
          .select({ id: roles.id, name: roles.name })
          .from(roles)
          .where(and(eq(roles.tenantId, chosen.tenantId), inArray(roles.id, want.roleIds)))
      : [];
    const added = toAdd.filter((r) => !have.has(r.id));
    const removed = existing.filter((r) => r.fromSso && !wantIds.has(r.roleId));
    if (added.length) {
      await tx
        .insert(userRoles)
        .values(added.map((r) => ({ tenantId: chosen.tenantId, userId: user.id, roleId: r.id, fromSso: true })))
        .onConflictDoNothing();
    }
    if (removed.length) {
      await tx.delete(userRoles).where(
        and(
          eq(userRoles.tenantId, chosen.tenantId),
          eq(userRoles.userId, user.id),
          eq(userRoles.fromSso, true),
          inArray(
            userRoles.roleId,
            removed.map((r) => r.roleId),
          ),
        ),
      );
    }
    if (identity && (added.length || removed.length || roleChange)) {
      const { chainId } = await appendAudit(tx, {
        tenantId: chosen.tenantId,
        actor: { id: user.id, type: 'user', name: user.username },
        action: 'user.sso_roles',
        resourceType: 'user',
        resourceId: user.id,
        resourceName: user.username,
        result: 'success',
        request,
        metadata: {
          added: added.map((r) => r.name),
          removed: removed.map((r) => r.name),
          ...(roleChange ? { role: roleChange } : {}),
        },
      });
      lanes.push(chainId);
    } else if (!identity && added.length) {
      const { chainId } = await appendAudit(tx, {
        tenantId: chosen.tenantId,
        actor: { id: user.id, type: 'user', name: user.username },
        action: 'user.sso_roles',
        resourceType: 'user',
        resourceId: user.id,
        resourceName: user.username,
        result: 'success',
        request,
        metadata: { added: added.map((r) => r.name), removed: [] },
      });
      lanes.push(chainId);
    }

    await tx
      .update(userIdentities)
      .set({ lastSignInAt: sql`now()`, adminFromMapping: nextAdminFromMapping })
      .where(
        and(
          eq(userIdentities.tenantId, chosen.tenantId),
          eq(userIdentities.issuer, issuer),
          eq(userIdentities.subject, claims.sub),
        ),
      );
    await tx
      .update(users)
      .set({ lastLoginAt: sql`now()` })
      .where(eq(users.id, user.id));
    await attemptSucceeded(tx, keys);
    const token =
      input.via === 'access_token'
        ? { jti: '', tokenHash: '', expiresAt: new Date() }
        : await issueToken(tx, {
            userId: user.id,
            tenantId: chosen.tenantId,
            kind: 'session',
            name: 'sso',
            ttlSecs: env().PANGOLIN_SESSION_TTL_SECS,
            request,
          });
    const { chainId } = await appendAudit(tx, {
      tenantId: chosen.tenantId,
      actor: { id: user.id, type: 'user', name: user.username },
      action: 'auth.sso_sign_in',
      resourceType: 'session',
      resourceId: token.tokenHash ? token.tokenHash.slice(0, 16) : null,
      resourceName: user.username,
      result: 'success',
      request,
      metadata: {
        issuer,
        subject: claims.sub,
        provisioned: !identity,
        admittedBy: chosen.tenantName,
        via: input.via ?? 'browser',
      },
    });
    lanes.push(chainId);
    return { user: { id: user.id, username: user.username }, token, lanes };
  });
  if ('refused' in result && result.refused) {
    const reason = result.refused === 'deactivated' ? 'Account is deactivated' : 'Not provisioned in this tenant';
    await refusedAudit(chosen.tenantId, result.user?.id ?? null, result.user?.username ?? label, reason, request);
    return { ok: false, reason: result.refused, tenantId: chosen.tenantId };
  }
  for (const lane of new Set(result.lanes)) releaseLane(lane);
  return { ok: true, user: result.user, token: result.token };
}

async function refusedAudit(
  tenantId: string | null,
  userId: string | null,
  name: string,
  reason: string,
  request: RequestInfo,
) {
  const db = await getDb();
  await recordAuditEvent(db, {
    tenantId,
    actor: { id: userId, type: 'anonymous', name },
    action: 'auth.sso_sign_in',
    resourceType: 'session',
    resourceName: name,
    result: 'failure',
    errorMessage: reason,
    request,
  });
}

/**
 * The user an identity provider's access token stands for: the identity (issuer + subject) in one tenant, its user
 * active. Several tenants: the one named by X-Pangolin-Tenant (id or name), else the first by tenant name.
 */
export async function userForIdpToken(q: Queryable, issuer: string, subject: string, tenant: string | null) {
  const rows = (
    await q.execute<{
      id: string;
      username: string;
      role: 'tenant_admin' | 'tenant_user';
      tenantId: string;
      tenantName: string;
    }>(sql`
    SELECT u.id, u.username, u.role, u.tenant_id AS "tenantId", t.name AS "tenantName"
    FROM ${userIdentities} i JOIN ${users} u ON u.id = i.user_id AND u.tenant_id = i.tenant_id
      JOIN ${tenants} t ON t.id = i.tenant_id
    WHERE i.issuer = ${issuer} AND i.subject = ${subject} AND u.active
    ORDER BY t.name`)
  ).rows;
  if (!tenant) return rows[0] ?? null;
  return rows.find((r) => r.tenantId === tenant || r.tenantName === tenant) ?? null;
}

/** For the refusal page: the tenant's name and whom its admins said to ask (nothing for an unknown id). */
export async function refusalContact(tenantId: string): Promise<{ tenantName: string; contact: string } | null> {
  const db = await getDb();
  const [row] = await db
    .select({ tenantName: tenants.name, policy: systemSettings.sso })
    .from(tenants)
    .innerJoin(systemSettings, eq(systemSettings.tenantId, tenants.id))
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return row ? { tenantName: row.tenantName, contact: row.policy?.contact ?? '' } : null;
}
