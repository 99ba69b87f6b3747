/**
 * Hostile edges that answered 500 (issue "Tenant boundaries", low items): an unknown sort key such as __proto__,
 * a cursor that is not a date or id, a malformed Basic header on /v1/oauth/tokens, Iceberg types nested thousands
 * deep; and Iceberg listings without pageSize are bounded. Each is a 400 with the JSON error body (or a page).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import * as usersRoute from '@/app/api/v1/users/route';
import * as rolesRoute from '@/app/api/v1/roles/route';
import * as serviceUsersRoute from '@/app/api/v1/service-users/route';
import { encodeCursor } from '@/db/keyset';
import { MAX_PAGE_SIZE } from '@/lib/iceberg/queries/objects';
import { bearerFor, call } from './support/governance';
import { icebergTenant, removeWarehouseDirs, rest, startIcebergServer, type Server } from './support/iceberg';
import { newLog } from './support/iceberg-openapi';
import { NextRequest } from 'next/server';
import * as loginRoute from '@/app/api/v1/users/login/route';
import * as assetsRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/route';
import * as searchRoute from '@/app/api/v1/search/assets/route';
import { handleIcebergRequest } from '@/lib/iceberg/router';
import { catalogTenant } from './support/catalog';
import { ordersSchema } from './support/iceberg';

let server: Server;
const log = newLog();
beforeAll(async () => {
  server = await startIcebergServer();
});
afterAll(async () => {
  await server?.close();
  removeWarehouseDirs();
});

describe('list parameters', () => {
  it('answers 4xx, not 500, for sort keys that are not columns and cursors that are not what they claim', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    for (const route of [usersRoute, rolesRoute, serviceUsersRoute]) {
      for (const sort of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'nope']) {
        const r = await call(route.GET, { token, path: `/api/v1/x?sort=${sort}` });
        // The list's query schema names the sort keys: anything else is a 422 naming the parameter.
        expect(r.status, sort).toBe(422);
        expect(r.body.error.code).toBe('validation_failed');
        expect(Object.keys(r.body.error.fields)).toEqual(['sort']);
      }
      for (const cursor of [
        encodeCursor('not a date', randomUUID()),
        encodeCursor('x 1', randomUUID()),
        encodeCursor('alice', 'not-a-uuid'),
        encodeCursor({ a: 1 } as never, randomUUID()),
        'garbage!!',
      ]) {
        const r = await call(route.GET, {
          token,
          path: `/api/v1/x?sort=createdAt&cursor=${encodeURIComponent(cursor)}`,
        });
        expect(r.status, cursor).toBe(400);
      }
    }
  });
});

describe('the Iceberg REST edges', () => {
  it('answers a malformed Basic header on /v1/oauth/tokens with 400 in the OAuth error shape', async () => {
    for (const basic of [
      '!!!not base64',
      Buffer.from('no-colon').toString('base64'),
      Buffer.from('a:%E0%A4%A').toString('base64'),
    ]) {
      const r = await rest(server, log, 'POST', '/v1/oauth/tokens', {
        body: 'grant_type=client_credentials',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      });
      expect(r.status, basic).toBe(400);
      expect(r.body.error).toBe('invalid_request');
    }
  });

  it('answers a type nested 5,000 deep with 400, in a create and in a commit', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, { token, body: { namespace: ['deep'] } });
    let type = '"string"';
    for (let i = 0; i < 5000; i++)
      type = `{"type":"list","element-id":${i + 2},"element":${type},"element-required":false}`;
    const body = `{"name":"t","schema":{"type":"struct","fields":[{"id":1,"name":"x","required":false,"type":${type}}]}}`;
    const created = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/deep/tables`, { token, body });
    expect(created.status).toBe(400);
    expect(created.body.error.type).toBe('BadRequestException');
  });

  it('answers a listing without pageToken in one response (the spec), and pages only from a pageToken', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    const db = await getDb();
    await db.execute(sql`INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name)
      SELECT ${w.tenant.id}, gen_random_uuid(), ${w.catalogId}, NULL, ARRAY['ns_' || lpad(g::text, 5, '0')], 'ns_' || lpad(g::text, 5, '0')
      FROM generate_series(1, ${MAX_PAGE_SIZE + 5}) g`);
    const all = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces?pageSize=10`, { token });
    expect(all.status).toBe(200);
    expect(all.body.namespaces).toHaveLength(MAX_PAGE_SIZE + 5);
    expect(all.body['next-page-token']).toBeNull();
    const first = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces?pageToken=`, { token });
    expect(first.body.namespaces).toHaveLength(100);
    expect(typeof first.body['next-page-token']).toBe('string');
    const big = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces?pageToken=&pageSize=5000`, { token });
    expect(big.body.namespaces).toHaveLength(MAX_PAGE_SIZE);
    const rest2 = await rest(
      server,
      log,
      'GET',
      `/v1/${w.catalogId}/namespaces?pageToken=${encodeURIComponent(big.body['next-page-token'])}&pageSize=5000`,
      { token },
    );
    expect(rest2.body.namespaces).toHaveLength(5);
    expect(rest2.body['next-page-token']).toBeNull();
  });
});

/**
 * A request body that counts what is pulled from it: `size` bytes in 64 KiB chunks (or endless), so a test can
 * tell whether the server read it at all, and how far.
 */
function recordingBody(size = Infinity) {
  const seen = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (seen.pulled >= size || seen.pulled > 300_000_000) return c.close();
        const n = Math.min(65536, size - seen.pulled);
        seen.pulled += n;
        c.enqueue(new Uint8Array(n).fill(0x20));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

function streamed(url: string, stream: ReadableStream<Uint8Array>, headers: Record<string, string>) {
  return new NextRequest(url, {
    method: 'POST',
    body: stream,
    headers: { 'user-agent': 'vitest', ...headers },
    duplex: 'half',
  } as ConstructorParameters<typeof NextRequest>[1]);
}

describe('request bodies are capped before and while they are read', () => {
  const CHUNK = 65536;

  it('refuses an anonymous sign-in body on its Content-Length without reading it, and stops a chunked one at the cap', async () => {
    const declared = recordingBody();
    const r1 = await loginRoute.POST(
      streamed('http://localhost/api/v1/users/login', declared.stream, {
        'content-type': 'application/json',
        'content-length': '200000000',
      }),
      { params: Promise.resolve({}) },
    );
    expect(r1.status).toBe(413);
    expect((await r1.json()).error.code).toBe('payload_too_large');
    expect(declared.seen.pulled).toBeLessThanOrEqual(CHUNK);

    const chunked = recordingBody();
    const r2 = await loginRoute.POST(
      streamed('http://localhost/api/v1/users/login', chunked.stream, { 'content-type': 'application/json' }),
      { params: Promise.resolve({}) },
    );
    expect(r2.status).toBe(413);
    expect((await r2.json()).error).toMatchObject({ code: 'payload_too_large' });
    expect(chunked.seen.pulled).toBeGreaterThan(1_000_000);
    expect(chunked.seen.pulled).toBeLessThan(1_000_000 + 4 * CHUNK);
  });

  it('answers 413 in the Iceberg error model on /v1, declared or chunked', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    const url = `http://localhost/v1/${w.catalogId}/namespaces`;
    const declared = recordingBody();
    const r1 = await handleIcebergRequest(
      streamed(url, declared.stream, {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': '200000000',
      }),
    );
    expect(r1.status).toBe(413);
    expect((await r1.json()).error).toMatchObject({ code: 413, type: 'BadRequestException' });
    expect(declared.seen.pulled).toBeLessThanOrEqual(CHUNK);

    const chunked = recordingBody();
    const r2 = await handleIcebergRequest(
      streamed(url, chunked.stream, { authorization: `Bearer ${token}`, 'content-type': 'application/json' }),
    );
    expect(r2.status).toBe(413);
    expect((await r2.json()).error.code).toBe(413);
    expect(chunked.seen.pulled).toBeLessThan(10_000_000 + 4 * CHUNK);
  });

  it('caps /v1/oauth/tokens, which anyone may call, at a few KiB', async () => {
    const url = 'http://localhost/v1/oauth/tokens';
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const declared = recordingBody();
    const r1 = await handleIcebergRequest(streamed(url, declared.stream, { ...form, 'content-length': '200000000' }));
    expect(r1.status).toBe(413);
    expect((await r1.json()).error).toMatchObject({ code: 413 });
    expect(declared.seen.pulled).toBeLessThanOrEqual(CHUNK);

    const chunked = recordingBody();
    const r2 = await handleIcebergRequest(streamed(url, chunked.stream, form));
    expect(r2.status).toBe(413);
    expect(chunked.seen.pulled).toBeLessThan(1_000_000);
  });

  it('answers JSON nested far too deep with 400, whether or not long integers make the parser revive values', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    const deep = (inner: string) => `${'['.repeat(200_000)}${inner}${']'.repeat(200_000)}`;
    for (const body of [deep('1'), deep('12345678901234567890')]) {
      const iceberg = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, { token, body });
      expect(iceberg.status).toBe(400);
      expect(iceberg.body.error.type).toBe('BadRequestException');
      const api = await usersRoute.POST(
        new NextRequest('http://localhost/api/v1/users', {
          method: 'POST',
          body,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        }),
        { params: Promise.resolve({}) },
      );
      expect(api.status).toBe(400);
      expect((await api.json()).error.code).toBe('bad_request');
    }
  });
});

describe('more hostile edges', () => {
  it('answers a Basic header that is not UTF-8 with 400 invalid_request, not a sign-in attempt', async () => {
    for (const bytes of [
      [0x61, 0x3a, 0xff, 0xfe],
      [0xc3, 0x28, 0x3a, 0x62],
      [0x61, 0x64, 0x6d, 0x69, 0x6e, 0x3a, 0xed, 0xa0, 0x80],
    ]) {
      const r = await rest(server, log, 'POST', '/v1/oauth/tokens', {
        body: 'grant_type=client_credentials',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(bytes).toString('base64')}`,
        },
      });
      expect(r.status, String(bytes)).toBe(400);
      expect(r.body.error).toBe('invalid_request');
    }
  });

  it('answers an add-schema commit with a type nested 5,000 deep with 400', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, { token, body: { namespace: ['deep'] } });
    const created = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/deep/tables`, {
      token,
      body: { name: 't', schema: ordersSchema },
    });
    expect(created.status).toBe(200);
    let type = '"string"';
    for (let i = 0; i < 5000; i++)
      type = `{"type":"list","element-id":${i + 10},"element":${type},"element-required":false}`;
    const body = `{"requirements":[],"updates":[{"action":"add-schema","schema":{"type":"struct","schema-id":1,"fields":[{"id":9,"name":"x","required":false,"type":${type}}]}}]}`;
    const commit = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/deep/tables/t`, { token, body });
    expect(commit.status).toBe(400);
    expect(commit.body.error.type).toBe('BadRequestException');
    const tx = await rest(server, log, 'POST', `/v1/${w.catalogId}/transactions/commit`, {
      token,
      body: `{"table-changes":[{"identifier":{"namespace":["deep"],"name":"t"},${body.slice(1)}]}`,
    });
    expect(tx.status).toBe(400);
  });

  it('answers cursors that are not what the listing sorts by with 400 on asset lists and search', async () => {
    const t = await catalogTenant({ tables: 1 });
    const params = { catalog: 'sales', ns: 'emea.retail' };
    for (const cursor of [
      encodeCursor('not a date', randomUUID()),
      encodeCursor('x 1', randomUUID()),
      encodeCursor('2024-02-30T00:00:00Z', randomUUID()),
      encodeCursor('2024-01-01T00:00:00Z', 'not-a-uuid'),
      encodeCursor({ a: 1 } as never, randomUUID()),
    ]) {
      const listed = await call(assetsRoute.GET, {
        token: t.adminApi.token,
        params,
        path: `/api/v1/catalogs/sales/namespaces/emea.retail/assets?sort=updatedAt&cursor=${encodeURIComponent(cursor)}`,
      });
      expect(listed.status, cursor).toBe(400);
      expect(listed.body.error.code).toBe('bad_request');
    }
    const byName = await call(assetsRoute.GET, {
      token: t.adminApi.token,
      params,
      path: `/api/v1/catalogs/sales/namespaces/emea.retail/assets?cursor=${encodeCursor('orders', 'not-a-uuid')}`,
    });
    expect(byName.status).toBe(400);
    const found = await call(searchRoute.GET, {
      token: t.adminApi.token,
      path: `/api/v1/search/assets?cursor=${encodeCursor('orders', 'not-a-uuid')}`,
    });
    expect(found.status).toBe(400);
    expect(found.body.error.code).toBe('bad_request');
  });

  it('lists all tables without pageToken and clamps a pageSize above the maximum when paging', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces`, { token, body: { namespace: ['many'] } });
    const db = await getDb();
    await db.execute(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type)
      SELECT ${w.tenant.id}, md5(${w.catalogId}::text || g)::uuid, ${w.catalogId}, 'table' FROM generate_series(1, ${MAX_PAGE_SIZE + 5}) g`);
    await db.execute(sql`INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, last_commit_id)
      SELECT ${w.tenant.id}, b.id, md5(${w.catalogId}::text || g)::uuid, ${w.catalogId}, n.id, 't_' || lpad(g::text, 5, '0'), 'table', NULL, b.head_commit_id
      FROM generate_series(1, ${MAX_PAGE_SIZE + 5}) g, branches b, namespaces n
      WHERE b.tenant_id = ${w.tenant.id} AND b.id = ${w.mainBranchId} AND n.tenant_id = ${w.tenant.id} AND n.catalog_id = ${w.catalogId} AND n.path = ARRAY['many']`);
    const all = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces/many/tables`, { token });
    expect(all.status).toBe(200);
    expect(all.body.identifiers).toHaveLength(MAX_PAGE_SIZE + 5);
    expect(all.body['next-page-token']).toBeNull();
    const huge = await rest(
      server,
      log,
      'GET',
      `/v1/${w.catalogId}/namespaces/many/tables?pageToken=&pageSize=1000000`,
      { token },
    );
    expect(huge.body.identifiers).toHaveLength(MAX_PAGE_SIZE);
    expect(typeof huge.body['next-page-token']).toBe('string');
    const next = await rest(
      server,
      log,
      'GET',
      `/v1/${w.catalogId}/namespaces/many/tables?pageToken=${encodeURIComponent(huge.body['next-page-token'])}`,
      { token },
    );
    expect(next.body.identifiers).toHaveLength(5);
    for (const bad of ['0', '-1', 'abc', '1.5']) {
      const r = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces/many/tables?pageSize=${bad}`, { token });
      expect(r.status, bad).toBe(400);
    }
  });
});
