/**
 * A credential never extends itself (issue "Tenant boundaries", item 6): a TenantAdmin service user whose key
 * expires cannot remove or push back its own expiry, rotate its own or another admin's key, mint keys that outlive
 * it, or create people and passwords (which would outlive it). A human TenantAdmin still can.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { serviceUsers } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { createServiceUser, rotateServiceUserKey, updateServiceUser } from '@/lib/governance/service-users';
import { createUser, resetPassword } from '@/lib/governance/users';
import { executeMutation } from '@/lib/mutation';
import { tenantWorld, uniqueName } from './support/fixtures';

const refused = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e) => e as { code: string; message: string },
  );
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

async function world() {
  const w = await tenantWorld();
  const made = (
    await executeMutation(createServiceUser, w.admin, {
      name: uniqueName('ci'),
      role: 'tenant_admin',
      expiresAt: inDays(7),
    })
  ).data as { id: string; expiresAt: Date };
  const other = (
    await executeMutation(createServiceUser, w.admin, { name: uniqueName('other-admin'), role: 'tenant_admin' })
  ).data as { id: string };
  const key: Actor = {
    kind: 'service_user',
    id: made.id,
    name: 'ci',
    role: 'tenant_admin',
    homeTenantId: w.tenant.id,
    tenantId: w.tenant.id,
    request: w.admin.request,
  };
  return { ...w, key, keyId: made.id, otherAdminKey: other.id };
}

describe('an expiring service-user key cannot outlive itself', () => {
  it('cannot remove, push back or rotate its own expiry', async () => {
    const w = await world();
    expect((await refused(executeMutation(updateServiceUser, w.key, { id: w.keyId, expiresAt: null }))).code).toBe(
      'forbidden',
    );
    expect(
      (await refused(executeMutation(updateServiceUser, w.key, { id: w.keyId, expiresAt: inDays(365) }))).code,
    ).toBe('forbidden');
    expect(
      (await refused(executeMutation(rotateServiceUserKey, w.key, { id: w.keyId, expiresAt: inDays(365) }))).code,
    ).toBe('forbidden');
    const [row] = await (
      await getDb()
    )
      .select({ expiresAt: serviceUsers.expiresAt })
      .from(serviceUsers)
      .where(eq(serviceUsers.id, w.keyId));
    expect(row.expiresAt!.getTime()).toBeLessThan(Date.now() + 8 * 86_400_000);
  });

  it("cannot mint keys that outlive it, nor rotate another admin's key", async () => {
    const w = await world();
    expect(
      (await refused(executeMutation(createServiceUser, w.key, { name: uniqueName('forever'), role: 'tenant_user' })))
        .code,
    ).toBe('forbidden');
    expect(
      (
        await refused(
          executeMutation(createServiceUser, w.key, {
            name: uniqueName('long'),
            role: 'tenant_user',
            expiresAt: inDays(30),
          }),
        )
      ).code,
    ).toBe('forbidden');
    await executeMutation(createServiceUser, w.key, {
      name: uniqueName('short'),
      role: 'tenant_user',
      expiresAt: inDays(3),
    });
    expect(
      (await refused(executeMutation(rotateServiceUserKey, w.key, { id: w.otherAdminKey, expiresAt: inDays(3) }))).code,
    ).toBe('forbidden');
  });

  it('cannot create people or set passwords; a human TenantAdmin still can', async () => {
    const w = await world();
    const password = 'a password chosen by the key';
    expect(
      (
        await refused(
          executeMutation(createUser, w.key, { username: uniqueName('human'), role: 'tenant_admin', password }),
        )
      ).code,
    ).toBe('forbidden');
    expect((await refused(executeMutation(resetPassword, w.key, { id: w.user.id, password }))).code).toBe('forbidden');
    await executeMutation(createUser, w.admin, { username: uniqueName('human'), role: 'tenant_user', password });
    await executeMutation(resetPassword, w.admin, { id: w.user.id, password });
    await executeMutation(updateServiceUser, w.admin, { id: w.keyId, expiresAt: null });
    await executeMutation(rotateServiceUserKey, w.admin, { id: w.otherAdminKey, expiresAt: inDays(30) });
  });
});

describe("revoking a steward's grant and the grants they handed on", () => {
  it('leaves handed-on grants without cascade (and lists them), revokes them with it, in one audited change', async () => {
    const { permissions, auditLogs } = await import('@/db/schema');
    const { revokeGrant } = await import('@/lib/governance/grants');
    const { listGrants } = await import('@/lib/governance/queries/permissions');
    const { createUser: makeUser } = await import('./support/fixtures');
    const { and } = await import('drizzle-orm');
    const w = await tenantWorld();
    const db = await getDb();
    const steward = await makeUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const grantee = await makeUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const grant = async (userId: string, grantedBy: string) =>
      (
        await db
          .insert(permissions)
          .values({
            tenantId: w.tenant.id,
            userId,
            scopeType: 'tag',
            tag: 'pii',
            actions: ['read', 'manage-discovery'],
            grantedBy,
          })
          .returning({ id: permissions.id })
      )[0].id;
    const stewardGrant = await grant(steward.id, w.admin.id);
    const handedOn = await grant(grantee.id, steward.id);
    expect((await listGrants(w.admin, { grantedBy: steward.id })).map((g) => g.id)).toEqual([handedOn]);
    // A steward may not cascade; only a TenantAdmin.
    expect((await refused(executeMutation(revokeGrant, w.user, { id: stewardGrant, cascade: true }))).code).toBe(
      'forbidden',
    );
    await executeMutation(revokeGrant, w.admin, { id: stewardGrant });
    expect((await db.select().from(permissions).where(eq(permissions.id, handedOn))).length).toBe(1);
    const again = await grant(steward.id, w.admin.id);
    await executeMutation(revokeGrant, w.admin, { id: again, cascade: true });
    expect((await db.select().from(permissions).where(eq(permissions.id, handedOn))).length).toBe(0);
    const [row] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, 'permission.revoke'), eq(auditLogs.resourceId, again)));
    expect((row.metadata as { handedOnRevoked: string[] }).handedOnRevoked).toEqual([handedOn]);
  });
});
