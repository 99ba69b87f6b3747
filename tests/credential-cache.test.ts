// The credentials cache (lib/auth/credential-cache.ts) on PostgreSQL: a token is resolved once and then served
// from memory, and every change that alters what it resolves to empties it at commit through NOTIFY — at once for
// a change made through a mutation (the instance waits for its own notice before answering), within a notice's
// delivery for one made elsewhere (another instance: here a plain SQL connection). Without the listener it is off.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.PANGOLIN_CREDENTIALS_CACHE_SECS = '60';
});
vi.mock('next/cache', () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import * as userRoute from '@/app/api/v1/users/[id]/route';
import * as tokenRoute from '@/app/api/v1/tokens/[id]/route';
import { stopCredentialCache } from '@/lib/auth/credential-cache';
import { appMetrics } from '@/lib/metrics';
import { call, catalogTenant } from './support/catalog';
import { credentialCacheReady, recordStatements, resolvesToken, statementsOf } from './support/statements';
import { bearerFor, insertRole } from './support/governance';
import { getDb } from '@/db/client';
import { sql } from 'drizzle-orm';

const onPostgres = !!process.env.TEST_DATABASE_URL;

recordStatements();

/** The answer's status and the statements sent meanwhile. */
async function statusAndStatements(f: () => Promise<{ status: number }>) {
  const { result, statements } = await statementsOf(f);
  return { status: result.status, statements };
}

/** Polls until `f` answers `status` (a notice from another connection arrives a moment after its commit). */
async function eventually(f: () => Promise<{ status: number }>, status: number) {
  let last = 0;
  for (let i = 0; i < 100; i++) {
    last = (await f()).status;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  return last;
}

/** Another instance's change: plain SQL on a connection of its own. */
async function elsewhere(text: string, values: unknown[]) {
  const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(text, values);
  } finally {
    await c.end();
  }
}

const listCatalogs = (token: string) => call(catalogsRoute.GET, '/api/v1/catalogs', { as: { token } });
const resolves = (statements: string[]) => statements.filter(resolvesToken);

describe.runIf(onPostgres)('credentials cache', () => {
  let w: Awaited<ReturnType<typeof catalogTenant>>;

  beforeAll(async () => {
    w = await catalogTenant({ tables: 1 });
    await credentialCacheReady(w.adminApi.token);
  });

  it('serves a resolved token from memory, and counts it on /metrics', async () => {
    await listCatalogs(w.userApi.token);
    const hits = async () =>
      (await appMetrics().credentialLookups.get()).values.find((v) => v.labels.result === 'hit')?.value ?? 0;
    const before = await hits();
    const { status, statements } = await statusAndStatements(() => listCatalogs(w.userApi.token));
    expect(status).toBe(200);
    expect(resolves(statements)).toEqual([]);
    expect(await hits()).toBe(before + 1);
  });

  it('a token revoked through the API is refused by the very next request', async () => {
    const t = await bearerFor(w.admin);
    expect((await listCatalogs(t.jwt)).status).toBe(200);
    expect((await listCatalogs(t.jwt)).status).toBe(200);
    const revoked = await call(tokenRoute.DELETE, `/api/v1/tokens/${t.tokenHash}`, {
      as: { token: t.jwt },
      method: 'DELETE',
      params: { id: t.tokenHash },
    });
    expect(revoked.status, revoked.text).toBeLessThan(300);
    expect((await listCatalogs(t.jwt)).status).toBe(401);
  });

  it('an account deactivated through the API is refused by the very next request', async () => {
    const victim = w.userApi;
    expect((await listCatalogs(victim.token)).status).toBe(200);
    const res = await call(userRoute.PUT, `/api/v1/users/${victim.userId}`, {
      as: w.adminApi,
      method: 'PUT',
      params: { id: victim.userId },
      body: { active: false },
    });
    expect(res.status, res.text).toBe(200);
    expect((await listCatalogs(victim.token)).status).toBe(401);
  });

  it('a change made elsewhere (another instance) empties the cache when its notice arrives', async () => {
    const { adminApi } = w;
    expect((await listCatalogs(adminApi.token)).status).toBe(200);
    const cached = await statusAndStatements(() => listCatalogs(adminApi.token));
    expect(resolves(cached.statements)).toEqual([]);
    await elsewhere('UPDATE users SET active = false WHERE id = $1', [adminApi.userId]);
    expect(await eventually(() => listCatalogs(adminApi.token), 401)).toBe(401);
    await elsewhere('UPDATE users SET active = true WHERE id = $1', [adminApi.userId]);
  });

  it("a grant to a user's role made elsewhere is seen; an expired cached grant is not used", async () => {
    const x = await catalogTenant({ tables: 0 });
    const user = x.userApi;
    const seesCatalog = async () => ((await listCatalogs(user.token)).body as { total: number }).total;
    const role = await insertRole(x.tenant.id, `r-${Date.now()}`, [], [user.userId]);
    expect(await seesCatalog()).toBe(0);
    await elsewhere(
      `INSERT INTO permissions (tenant_id, id, role_id, scope_type, catalog_id, actions, expires_at)
       VALUES ($1, gen_random_uuid(), $2, 'catalog', $3, '{read}', now() + interval '1.5 seconds')`,
      [x.tenant.id, role, x.catalogId],
    );
    let seen = 0;
    for (let i = 0; i < 50 && seen !== 1; i++) {
      seen = await seesCatalog();
      if (seen !== 1) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(1);
    // Served from memory now, and still refused once the grant expires, with no change to hear of.
    const cached = await statusAndStatements(() => listCatalogs(user.token));
    expect(resolves(cached.statements)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await seesCatalog()).toBe(0);
  });

  it('is bypassed while the listening connection is lost, and used again once it is back', async () => {
    const db = await getDb();
    await db.execute(
      sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pangolin-console-listen' AND datname = current_database()`,
    );
    await new Promise((r) => setTimeout(r, 200));
    const off = await statusAndStatements(() => listCatalogs(w.adminApi.token));
    expect([off.status, resolves(off.statements).length], off.statements.join('\n')).toEqual([200, 1]);
    // A change while it is off is seen (nothing is served from memory).
    await elsewhere('UPDATE users SET must_change_password = true WHERE id = $1', [w.adminApi.userId]);
    expect((await listCatalogs(w.adminApi.token)).status).toBe(403);
    await elsewhere('UPDATE users SET must_change_password = false WHERE id = $1', [w.adminApi.userId]);
    // It reconnects after a few seconds.
    let back = false;
    for (let i = 0; i < 100 && !back; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await listCatalogs(w.adminApi.token);
      back = !resolves((await statusAndStatements(() => listCatalogs(w.adminApi.token))).statements).length;
    }
    expect(back).toBe(true);
  });

  afterAll(() => stopCredentialCache());
});
