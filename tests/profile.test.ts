// One's own account: display name and e-mail, and a password change that needs the current password and signs out
// the other sessions. Real PostgreSQL, real argon2 hashes, real tokens.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activeTokens, auditLogs, users } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { changePassword, updateProfile } from '@/lib/governance/profile';
import { createServiceUser } from '@/lib/governance/service-users';
import { executeMutation } from '@/lib/mutation';
import { verifyPassword } from '@/lib/passwords';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { createTenant } from '@/lib/catalog/tenants';
import { actorOf, createUser, tenantWorld, uniqueName } from './support/fixtures';
import { bearerFor, call, run } from './support/governance';
import { createUser as createUserMutation, resetPassword } from '@/lib/governance/users';
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import * as meRoute from '@/app/api/v1/users/me/route';
import * as myPassword from '@/app/api/v1/users/me/password/route';

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('profile', () => {
  it('changes only one\u2019s own display name and e-mail', async () => {
    const w = await tenantWorld();
    const other = await createUser({ role: 'tenant_user', tenantId: w.tenant.id });
    const r = await executeMutation(updateProfile, w.user, {
      displayName: 'Ana Lima',
      email: 'ana@example.com',
      id: other.id,
    }).catch((e: AppError) => e);
    expect((r as AppError).code).toBe('validation_failed'); // no id: the profile is always one's own
    await executeMutation(updateProfile, w.user, { displayName: 'Ana Lima', email: 'ana@example.com' });
    const db = await getDb();
    const [me] = await db.select().from(users).where(eq(users.id, w.user.id));
    expect(me).toMatchObject({ displayName: 'Ana Lima', email: 'ana@example.com' });
    expect(
      (await refusal(executeMutation(updateProfile, w.user, { email: 'not-an-address' }))).fieldErrors,
    ).toHaveProperty('email');
  });

  it('changes the password with the current one, signs out the other sessions and keeps this one', async () => {
    const w = await tenantWorld();
    const password = 'the-old-password-1';
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password });
    const current = await bearerFor(actorOf(u));
    const elsewhere = await bearerFor(actorOf(u));
    const actor = { ...actorOf(u), tokenHash: current.tokenHash };
    const db = await getDb();

    const wrong = await refusal(
      executeMutation(changePassword, actor, {
        currentPassword: 'guess',
        password: 'a-new-password-2',
        confirm: 'a-new-password-2',
      }),
    );
    expect(wrong.fieldErrors).toEqual({ currentPassword: ['This is not your current password'] });
    const mismatch = await refusal(
      executeMutation(changePassword, actor, {
        currentPassword: password,
        password: 'a-new-password-2',
        confirm: 'other',
      }),
    );
    expect(mismatch.fieldErrors).toHaveProperty('confirm');
    const [before] = await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, u.id));
    expect(await verifyPassword(before.h!, password)).toBe(true);

    const out = await executeMutation(changePassword, actor, {
      currentPassword: password,
      password: 'a-new-password-2',
      confirm: 'a-new-password-2',
    });
    expect(out.data).toEqual({ changed: true, signedOutElsewhere: 1 });
    const [after] = await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, u.id));
    expect(await verifyPassword(after.h!, 'a-new-password-2')).toBe(true);
    expect(await verifyPassword(after.h!, password)).toBe(false);
    const live = (
      await db.select({ h: activeTokens.tokenHash }).from(activeTokens).where(eq(activeTokens.userId, u.id))
    ).map((r) => r.h);
    expect(live).toEqual([current.tokenHash]);
    expect(live).not.toContain(elsewhere.tokenHash);

    const rows = await db.select().from(auditLogs).where(eq(auditLogs.actorId, u.id));
    const text = JSON.stringify(rows);
    expect(rows.some((r) => r.action === 'user.change_password' && r.result === 'success')).toBe(true);
    expect(rows.some((r) => r.action === 'user.change_password' && r.result !== 'success')).toBe(true); // refusals too
    for (const secret of [password, 'a-new-password-2', 'guess']) expect(text).not.toContain(secret);
  });

  it('is refused to service users, which have no password of their own', async () => {
    const w = await tenantWorld();
    const svc = await run(createServiceUser, w.admin, { name: uniqueName('svc'), role: 'tenant_user' });
    const actor = { ...w.user, kind: 'service_user' as const, id: svc.id, name: svc.name };
    expect(
      (
        await refusal(
          executeMutation(changePassword, actor, {
            currentPassword: 'x',
            password: 'a-new-password-2',
            confirm: 'a-new-password-2',
          }),
        )
      ).code,
    ).toBe('forbidden');
  });
});

describe('temporary passwords', () => {
  it('must be changed before anything else: the API answers 403 until then, and an admin reset sets it again', async () => {
    const w = await tenantWorld();
    const created = await run(createUserMutation, w.admin, { username: uniqueName('temp') });
    expect(created.temporaryPassword).toEqual(expect.any(String));
    const db = await getDb();
    const [row] = await db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, created.id));
    expect(row.must).toBe(true);

    const [u] = await db.select().from(users).where(eq(users.id, created.id));
    const token = (await bearerFor(actorOf({ ...u, tenantId: u.tenantId }))).jwt;
    const iceberg = await handleIcebergRequest(
      new Request('http://localhost/v1/config', { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(iceberg.status).toBe(403); // the Iceberg REST catalog too
    expect((await iceberg.json()).error.message).toMatch(/temporary/);
    const blocked = await call(catalogsRoute.GET, { token, path: '/api/v1/catalogs' });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.message).toMatch(/temporary password.*POST \/api\/v1\/users\/me\/password/);
    expect((await call(meRoute.GET, { token, path: '/api/v1/users/me' })).status).toBe(200);

    const changed = await call(myPassword.POST, {
      token,
      method: 'POST',
      path: '/api/v1/users/me/password',
      body: { currentPassword: created.temporaryPassword, password: 'my-own-password-1', confirm: 'my-own-password-1' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect((await call(catalogsRoute.GET, { token, path: '/api/v1/catalogs' })).status).toBe(200);

    await run(resetPassword, w.admin, { id: created.id });
    const [again] = await db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, created.id));
    expect(again.must).toBe(true);
    // A new tenant's first admin with a generated password is in the same position.
    const tenantName = uniqueName('t');
    await run(createTenant, w.rootNoTenant, { name: tenantName, adminUsername: `${tenantName}-admin` });
    const [firstAdmin] = await db
      .select({ must: users.mustChangePassword })
      .from(users)
      .where(eq(users.username, `${tenantName}-admin`));
    expect(firstAdmin.must).toBe(true);

    await run(resetPassword, w.admin, { id: created.id, password: 'admin-chosen-password' });
    const [chosen] = await db.select({ must: users.mustChangePassword }).from(users).where(eq(users.id, created.id));
    expect(chosen.must).toBe(false);
  });
});
