import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as auditItem from '@/app/api/v1/audit/[id]/route';
import * as auditCount from '@/app/api/v1/audit/count/route';
import * as auditExport from '@/app/api/v1/audit/export/route';
import * as auditList from '@/app/api/v1/audit/route';
import * as auditVerify from '@/app/api/v1/audit/verify/route';
import { getDb } from '@/db/client';
import { auditLogs } from '@/db/schema';
import { findOperation } from '@/lib/openapi';
import '@/lib/audit/openapi';
import { appendEvents, lanesUsed } from './support/audit';
import { call, signedIn, type ApiAnswer, type Caller } from './support/catalog';
import { tenantWorld } from './support/fixtures';

type World = Awaited<ReturnType<typeof tenantWorld>>;
const tag = `api${randomUUID().slice(0, 6)}`;
let a: World;
let b: World;
let rootApi: Caller;
let adminApi: Caller & { userId: string };
let userApi: Caller & { userId: string };
let ids: { id: string }[];

/** The answer matches the schema the OpenAPI document shows for the operation. */
function documented<T>(method: string, path: string, answer: ApiAnswer<T>): ApiAnswer<T> {
  const op = findOperation(method, path);
  if (!op) throw new Error(`${method} ${path} is not documented`);
  expect(answer.status, answer.text.slice(0, 300)).toBe(op.status ?? 200);
  const parsed = op.response.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${method} ${path}: ${parsed.error.message}`);
  return answer;
}

beforeAll(async () => {
  [a, b] = await Promise.all([tenantWorld(), tenantWorld()]);
  [rootApi, adminApi, userApi] = await Promise.all([
    signedIn('root', null),
    signedIn('tenant_admin', a.tenant.id),
    signedIn('tenant_user', a.tenant.id),
  ]);
  ids = await appendEvents([
    {
      tenantId: a.tenant.id,
      actor: { id: adminApi.userId, type: 'user', name: 'x' },
      action: `${tag}.create`,
      resourceType: 'catalog',
      resourceName: 'sales',
      metadata: { region: 'emea' },
    },
    {
      tenantId: a.tenant.id,
      actor: { id: userApi.userId, type: 'user', name: 'y' },
      action: `${tag}.update`,
      resourceType: 'catalog',
      resourceName: 'sales',
      result: 'denied',
    },
    {
      tenantId: b.tenant.id,
      actor: { id: null, type: 'system', name: 'z' },
      action: `${tag}.create`,
      resourceType: 'catalog',
      resourceName: 'other',
    },
  ]);
});

describe('/api/v1/audit', () => {
  it('lists with the reference filter names, scoped to the caller, and counts the same', async () => {
    const list = documented(
      'get',
      '/api/v1/audit',
      await call(auditList.GET, `/api/v1/audit?action=${tag}.*&limit=10`, { as: rootApi }),
    );
    expect(list.body.rows.map((r: { id: string }) => r.id)).toEqual([ids[2].id, ids[1].id, ids[0].id]);
    expect(list.body.total).toBe(3);

    const mine = await call(auditList.GET, `/api/v1/audit?action=${tag}.*&result=denied&user_id=${userApi.userId}`, {
      as: adminApi,
    });
    expect(mine.body.rows.map((r: { id: string }) => r.id)).toEqual([ids[1].id]);
    expect(
      (await call(auditList.GET, `/api/v1/audit?action=${tag}.*`, { as: userApi })).body.rows.map(
        (r: { id: string }) => r.id,
      ),
    ).toEqual([ids[1].id]);

    const counted = documented(
      'get',
      '/api/v1/audit/count',
      await call(auditCount.GET, `/api/v1/audit/count?action=${tag}.*&resource_type=catalog`, { as: adminApi }),
    );
    expect(counted.body).toEqual({ count: 2 });
  });

  it('refuses bad parameters with 422 naming them, and requires credentials', async () => {
    const bad = await call(auditList.GET, '/api/v1/audit?start_time=soon', { as: rootApi });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/not a date and time/);
    const unknown = await call(auditList.GET, '/api/v1/audit?colour=red', { as: rootApi });
    expect(unknown.status).toBe(422);
    expect((await call(auditList.GET, '/api/v1/audit')).status).toBe(401);
  });

  it('shows one event to those who may see it; others get 404', async () => {
    const one = documented(
      'get',
      '/api/v1/audit/{id}',
      await call(auditItem.GET, `/api/v1/audit/${ids[0].id}`, { as: adminApi, params: { id: ids[0].id } }),
    );
    expect(one.body).toMatchObject({ action: `${tag}.create`, metadata: { region: 'emea' }, tenantId: a.tenant.id });
    const other = await call(auditItem.GET, `/api/v1/audit/${ids[2].id}`, { as: adminApi, params: { id: ids[2].id } });
    expect(other.status).toBe(404);
    expect(other.body.error.message).toBe('Audit event was not found');
  });

  it('exports CSV and JSON Lines as attachments, and records that an export was made', async () => {
    const csv = await call(auditExport.GET, `/api/v1/audit/export?format=csv&action=${tag}.*`, { as: adminApi });
    expect(csv.status).toBe(200);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^occurredAt,id,tenantId/);
    expect(lines.slice(1).map((l) => l.split(',')[1].replace(/"/g, ''))).toEqual([ids[1].id, ids[0].id]);

    const jsonl = await call(auditExport.GET, `/api/v1/audit/export?format=jsonl&action=${tag}.create`, {
      as: rootApi,
    });
    expect(
      jsonl.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([ids[2].id, ids[0].id]);
    expect((await call(auditExport.GET, '/api/v1/audit/export?format=xml', { as: rootApi })).status).toBe(422);

    const db = await getDb();
    const recorded = await db
      .select({ metadata: auditLogs.metadata })
      .from(auditLogs)
      .where(and(eq(auditLogs.actorId, adminApi.userId), eq(auditLogs.action, 'audit.export')));
    expect(recorded).toEqual([{ metadata: { format: 'csv', filters: { action: `${tag}.*` } } }]);
  });

  it('verifies: Root any chain, a TenantAdmin its own, a TenantUser not at all; progress can be streamed', async () => {
    const [lanesA, lanesB] = [await lanesUsed(a.tenant.id), await lanesUsed(b.tenant.id)];
    const own = documented(
      'get',
      '/api/v1/audit/verify',
      await call(auditVerify.GET, '/api/v1/audit/verify', { as: adminApi }),
    );
    expect(own.body).toMatchObject({ ok: true, chains: lanesA, firstBreak: null });
    expect(own.body.rows).toBeGreaterThanOrEqual(2);
    const one = await call(auditVerify.GET, `/api/v1/audit/verify?tenant=${b.tenant.id}`, { as: rootApi });
    expect(one.body).toMatchObject({ ok: true, chains: lanesB });
    expect((await call(auditVerify.GET, '/api/v1/audit/verify', { as: userApi })).status).toBe(403);

    const lanesBeforeStream = await lanesUsed(a.tenant.id);
    const streamed = await call(auditVerify.GET, `/api/v1/audit/verify?tenant=${a.tenant.id}`, {
      as: rootApi,
      headers: { accept: 'application/x-ndjson' },
    });
    const events = streamed.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'progress', checked: 0 });
    expect(events.at(-1)).toMatchObject({ type: 'done', outcome: { ok: true, chains: lanesBeforeStream } });
    const db = await getDb();
    const recorded = await db
      .select({ result: auditLogs.result })
      .from(auditLogs)
      .where(and(eq(auditLogs.actorId, adminApi.userId), eq(auditLogs.action, 'audit.verify')));
    expect(recorded).toEqual([{ result: 'success' }]);
  });
});
