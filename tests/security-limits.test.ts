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
import { encodeCursor } from '@/db/queries/keyset';
import { UNPAGED_LIMIT } from '@/lib/iceberg/queries';
import { bearerFor, call } from './support/governance';
import { icebergTenant, removeWarehouseDirs, rest, startIcebergServer, type Server } from './support/iceberg';
import { newLog } from './support/iceberg-openapi';

let server: Server;
const log = newLog();
beforeAll(async () => { server = await startIcebergServer(); });
afterAll(async () => { await server?.close(); removeWarehouseDirs(); });

describe('list parameters', () => {
  it('answers 400, not 500, for sort keys that are not columns and cursors that are not what they claim', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    for (const route of [usersRoute, rolesRoute, serviceUsersRoute]) {
      for (const sort of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'nope']) {
        const r = await call(route.GET, { token, path: `/api/v1/x?sort=${sort}` });
        expect(r.status, sort).toBe(400);
        expect(r.body.error.code).toBe('bad_request');
      }
      for (const cursor of [encodeCursor('not a date', randomUUID()), encodeCursor('alice', 'not-a-uuid'), encodeCursor({ a: 1 } as never, randomUUID()), 'garbage!!']) {
        const r = await call(route.GET, { token, path: `/api/v1/x?sort=createdAt&cursor=${encodeURIComponent(cursor)}` });
        expect(r.status, cursor).toBe(400);
      }
    }
  });
});

describe('the Iceberg REST edges', () => {
  it('answers a malformed Basic header on /v1/oauth/tokens with 400 in the OAuth error shape', async () => {
    for (const basic of ['!!!not base64', Buffer.from('no-colon').toString('base64'), Buffer.from('a:%E0%A4%A').toString('base64')]) {
      const r = await rest(server, log, 'POST', '/v1/oauth/tokens', {
        body: 'grant_type=client_credentials', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
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
    for (let i = 0; i < 5000; i++) type = `{"type":"list","element-id":${i + 2},"element":${type},"element-required":false}`;
    const body = `{"name":"t","schema":{"type":"struct","fields":[{"id":1,"name":"x","required":false,"type":${type}}]}}`;
    const created = await rest(server, log, 'POST', `/v1/${w.catalogId}/namespaces/deep/tables`, { token, body });
    expect(created.status).toBe(400);
    expect(created.body.error.type).toBe('BadRequestException');
  });

  it('bounds a listing without pageSize and hands a next-page-token for the rest', async () => {
    const w = await icebergTenant();
    const token = (await bearerFor(w.admin)).jwt;
    const db = await getDb();
    await db.execute(sql`INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name)
      SELECT ${w.tenant.id}, gen_random_uuid(), ${w.catalogId}, NULL, ARRAY['ns_' || lpad(g::text, 5, '0')], 'ns_' || lpad(g::text, 5, '0')
      FROM generate_series(1, ${UNPAGED_LIMIT + 5}) g`);
    const first = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces`, { token });
    expect(first.status).toBe(200);
    expect(first.body.namespaces).toHaveLength(UNPAGED_LIMIT);
    expect(typeof first.body['next-page-token']).toBe('string');
    const rest2 = await rest(server, log, 'GET', `/v1/${w.catalogId}/namespaces?pageToken=${encodeURIComponent(first.body['next-page-token'])}`, { token });
    expect(rest2.body.namespaces).toHaveLength(5);
  });
});
