// Helpers for the catalog API tests: sign real users in, and call route handlers as Next would.
import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { signInWithPassword } from '@/lib/auth/login';
import type { Actor } from '@/lib/actor';
import { executeMutation, type AnyMutation } from '@/lib/mutation';
import { createAsset, setBusinessMetadata } from '@/lib/catalog/assets';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createNamespace } from '@/lib/catalog/namespaces';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { createUser, tenantWorld } from './fixtures';

export const PASSWORD = 'catalog-test-password';

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type Caller = { token: string; tenant?: string };

export type ApiAnswer<T = any> = { status: number; body: T; text: string; requestId: string | null };

/**
 * Calls an exported route handler (GET/POST/…) with a real NextRequest, as the Next server would.
 * `body` may be a string (sent as is, e.g. malformed JSON) or anything JSON-serialisable.
 */
export async function call<T = any>(
  handler: unknown,
  url: string,
  opts: {
    as?: Caller;
    method?: string;
    body?: unknown;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { 'user-agent': 'vitest', 'x-forwarded-for': '10.20.30.40', ...opts.headers };
  if (opts.as) headers.authorization = `Bearer ${opts.as.token}`;
  if (opts.as?.tenant) headers['x-pangolin-tenant'] = opts.as.tenant;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const req = new NextRequest(new URL(url, 'http://localhost'), { method: opts.method ?? 'GET', headers, body });
  const res = await (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed as T, text, requestId: res.headers.get('x-request-id') };
}

/** A user with a password, signed in: its bearer token (argon2: a few per file at most). */
export async function signedIn(
  role: Actor['role'],
  tenantId: string | null,
  username?: string,
): Promise<Caller & { userId: string; username: string }> {
  const u = await createUser({ role, tenantId, password: PASSWORD, username });
  const { token } = await signInWithPassword({
    username: u.username,
    password: PASSWORD,
    request: {
      ip: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      userAgent: 'vitest',
      requestId: randomUUID(),
    },
  });
  return { token: token.jwt, userId: u.id, username: u.username };
}

const run = async <T>(m: AnyMutation, actor: Actor, input: unknown) =>
  (await executeMutation(m, actor, input)).data as T;

/**
 * A tenant with a warehouse (holding a secret), a local catalog "sales" with namespaces emea.retail and
 * apac, tables in emea.retail, and signed-in TenantAdmin and TenantUser callers.
 */
export async function catalogTenant(opts: { secret?: string; tables?: number } = {}) {
  const w = await tenantWorld();
  const secret = opts.secret ?? `sk-${randomUUID()}`;
  const wh = await run<{ id: string }>(createWarehouse, w.admin, {
    name: 'lake',
    storageType: 's3',
    bucket: 'lake-bucket',
    region: 'eu-west-1',
    accessKeyId: 'AKIATEST',
    secretAccessKey: secret,
  });
  const cat = await run<{ id: string; mainBranchId: string }>(createCatalog, w.admin, {
    catalogType: 'local',
    name: 'sales',
    warehouse: 'lake',
  });
  await run(createNamespace, w.admin, {
    catalog: 'sales',
    namespace: ['emea', 'retail'],
    properties: { owner: 'ana' },
  });
  await run(createNamespace, w.admin, { catalog: 'sales', namespace: ['apac'] });
  const assetIds: string[] = [];
  for (let i = 0; i < (opts.tables ?? 3); i++) {
    const a = await run<{ assetId: string }>(createAsset, w.admin, {
      catalog: 'sales',
      namespace: 'emea.retail',
      name: `orders_${String(i).padStart(3, '0')}`,
      metadataLocation: `s3://lake-bucket/sales/orders_${i}/v1.metadata.json`,
    });
    assetIds.push(a.assetId);
  }
  const [admin, user] = await Promise.all([
    signedIn('tenant_admin', w.tenant.id),
    signedIn('tenant_user', w.tenant.id),
  ]);
  return {
    ...w,
    secret,
    warehouseId: wh.id,
    catalogId: cat.id,
    mainBranchId: cat.mainBranchId,
    assetIds,
    adminApi: admin,
    userApi: user,
  };
}

export async function describeAsset(
  actor: Actor,
  assetId: string,
  description: string,
  tags: string[],
  discoverable = false,
) {
  return run(setBusinessMetadata, actor, { assetId, description, tags, discoverable });
}

/** Checks an answer against the success schema the OpenAPI document shows for this operation. */
export async function documented<T>(method: string, path: string, answer: ApiAnswer<T>): Promise<ApiAnswer<T>> {
  const { findOperation } = await import('@/lib/openapi');
  await import('@/lib/catalog/openapi');
  const op = findOperation(method, path);
  if (!op) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  const expected = op.status ?? 200;
  if (answer.status !== expected)
    throw new Error(`${method} ${path}: expected ${expected}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  const parsed = op.response.safeParse(answer.body);
  if (!parsed.success)
    throw new Error(`${method} ${path}: the answer does not match its documented schema: ${parsed.error.message}`);
  return answer;
}
