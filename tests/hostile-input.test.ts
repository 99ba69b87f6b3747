import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { signInWithPassword } from '@/lib/auth/login';
import { mutationRegistry } from '@/lib/mutation';
import { executeMutation } from '@/lib/mutation';
import { AppError } from '@/lib/errors';
import { createUser, tenantWorld, uniqueName } from './support/fixtures';
import { call, discoverRoutes, METHODS } from './support/routes';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Strings that have broken other systems: injection, traversal, unicode edge cases, sheer size. */
const nasty = [
  "' OR 1=1 --",
  "'; DROP TABLE tenants; --",
  '"; SELECT pg_sleep(5); --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '\u0000',
  'null',
  'undefined',
  '{{7*7}}',
  '${7*7}',
  '\u202e\u0301\ud83d\ude00',
  '\ud800',
  'ＡＢＣ',
  ' ',
  '',
  'x'.repeat(10_000),
  '🦔'.repeat(3000),
  '\n\r\t',
  'a.b.c',
  'a/b',
  '-1',
  '1e309',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

const nastyValue = fc.oneof(
  fc.constantFrom(...nasty),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom(...nasty), { maxLength: 5 }),
);
const body = fc.oneof(
  fc
    .dictionary(
      fc.constantFrom(
        'name',
        'id',
        'catalog',
        'namespace',
        'username',
        'password',
        'properties',
        'actions',
        'scope',
        'role',
        'tags',
        'reason',
        'status',
        'url',
        'storageType',
        'extra',
        '__proto__',
        'constructor',
      ),
      nastyValue,
      { maxKeys: 6 },
    )
    .map((o) => JSON.stringify(o)),
  fc.json().map((j) => j),
  fc.constantFrom(
    '{"unterminated": ',
    'not json at all',
    '[1,2',
    '{"a":1}}',
    '\u0000\u0001',
    'null',
    '[]',
    '"string"',
    '1',
  ),
  fc.constant(JSON.stringify({ name: 'x'.repeat(2_000_000) })),
);

const STACK = /\n\s+at\s|node_modules|\.tsx?:\d+/;
const TABLES = [
  'tenants',
  'warehouses',
  'catalogs',
  'namespaces',
  'assets',
  'branches',
  'tags',
  'commits',
  'users',
  'service_users',
  'roles',
  'user_roles',
  'permissions',
  'access_requests',
  'business_metadata',
  'merge_operations',
  'system_settings',
];

/** Row counts of one tenant's data (other test files run alongside and change other tenants). */
async function fingerprint(tenantId: string): Promise<string> {
  const db = await getDb();
  const id = tenantId.replace(/[^0-9a-f-]/g, '');
  const counts = TABLES.map(
    (t) => `(SELECT count(*) FROM ${t} WHERE ${t === 'tenants' ? 'id' : 'tenant_id'} = '${id}')`,
  );
  const rows = await db.execute<{ f: string }>(sql.raw(`SELECT concat_ws(',', ${counts.join(', ')}) AS f`));
  return rows.rows[0].f;
}

const routes = discoverRoutes('api/v1', 'v1').filter((r) => !r.pattern.includes('[...nextauth]'));
let token = '';
let tenantId = '';

beforeAll(async () => {
  const w = await tenantWorld();
  tenantId = w.tenant.id;
  const password = 'fuzz-password-123';
  const admin = await createUser({
    role: 'tenant_admin',
    tenantId: w.tenant.id,
    password,
    username: uniqueName('fuzzadmin'),
  });
  token = (
    await signInWithPassword({
      username: admin.username,
      password,
      request: { ip: '10.77.0.1', userAgent: 'fuzz', requestId: 'fuzz' },
      kind: 'api_token',
    })
  ).token.jwt;
});

describe('hostile input to every API route', () => {
  it('finds the API routes to fuzz', () => {
    expect(routes.length).toBeGreaterThan(5);
  });

  for (const route of routes) {
    it(`${route.pattern}: no 5xx, no stack trace, no change of state`, async () => {
      const samples = fc.sample(fc.tuple(body, fc.constantFrom(...nasty)), { numRuns: 12, seed: 4242 });
      for (const [payload, paramValue] of samples) {
        const values = Object.fromEntries(route.params.map((p) => [p, paramValue || 'x']));
        for (const method of METHODS) {
          const before = method === 'GET' ? '' : await fingerprint(tenantId);
          const res = await call(route, method, values, {
            headers: { authorization: `Bearer ${token}` },
            body: payload,
          });
          if (!res) continue;
          const where = `${method} ${route.pattern} ${JSON.stringify(values).slice(0, 80)} body=${payload.slice(0, 80)}`;
          expect(res.status, where).toBeLessThan(500);
          expect(res.text, where).not.toMatch(STACK);
          if (res.status >= 400) {
            const parsed = JSON.parse(res.text);
            expect(typeof parsed.error?.message, where).toBe('string');
          }
          if (method !== 'GET' && res.status >= 400) expect(await fingerprint(tenantId), where).toBe(before);
        }
      }
    });
  }
});

/** Imports every lib file that defines mutations (each registers its own), so the registry holds them all. */
async function loadAllMutations() {
  const root = path.resolve(import.meta.dirname, '../lib');
  const walk = async (dir: string) => {
    for (const e of readdirSync(dir)) {
      const full = path.join(dir, e);
      if (statSync(full).isDirectory()) await walk(full);
      else if (/\.ts$/.test(e) && /\bdefineMutation\s*\(/.test(readFileSync(full, 'utf8')))
        await import(/* @vite-ignore */ full);
    }
  };
  await walk(root);
}

describe('hostile input to every server-action mutation', () => {
  it('refuses garbage with a 4xx AppError, never a crash, and writes nothing', async () => {
    await loadAllMutations();
    expect(mutationRegistry.size).toBeGreaterThan(10);
    const w = await tenantWorld();
    const inputs = fc.sample(
      fc.oneof(
        fc.dictionary(fc.string({ maxLength: 12 }), nastyValue, { maxKeys: 5 }),
        fc.constantFrom(null, 'text', 42, [], { id: nasty[0] }, { name: 'x'.repeat(100_000) }),
      ),
      { numRuns: 10, seed: 7 },
    );
    for (const [action, m] of mutationRegistry) {
      for (const actor of [w.admin, w.user]) {
        for (const input of inputs) {
          const before = await fingerprint(w.tenant.id);
          const outcome = await executeMutation(m, actor, input).then(
            () => 'ok',
            (e) => e,
          );
          if (outcome === 'ok') continue; // some inputs can be valid for permissive schemas
          expect(outcome, `${action} ${JSON.stringify(input)?.slice(0, 100)}`).toBeInstanceOf(AppError);
          expect((outcome as AppError).status, `${action}: ${(outcome as AppError).message}`).toBeLessThan(500);
          expect(await fingerprint(w.tenant.id), action).toBe(before);
        }
      }
    }
  });
});
