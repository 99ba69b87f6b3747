import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { auditWhere, countAudit, FEW_MATCHES, getAuditEvent, listAudit, searchAudit } from '@/lib/audit/queries/events';
import type { Actor } from '@/lib/actor';
import { filtersFromParams, type AuditFilters } from '@/lib/audit/filters';
import { appendEvents } from './support/audit';
import { tenantWorld } from './support/fixtures';

type World = Awaited<ReturnType<typeof tenantWorld>>;

// Unique per run: the PostgreSQL test database is shared with other test files.
const tag = randomUUID().slice(0, 8);
const T0 = Date.parse('2026-03-10T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const f = (over: Partial<Record<string, string>>): AuditFilters => filtersFromParams({ action: `${tag}.*`, ...over });

let a: World;
let b: World;
const ids: Record<string, string> = {};

beforeAll(async () => {
  [a, b] = await Promise.all([tenantWorld(), tenantWorld()]);
  const ref = (actor: Actor) => ({ id: actor.id, type: 'user' as const, name: actor.name });
  const events = [
    {
      key: 'a1',
      tenantId: a.tenant.id,
      actor: ref(a.admin),
      action: `${tag}.create`,
      resourceType: 'catalog',
      resourceId: 'cat-1',
      resourceName: 'sales',
      occurredAt: at(0),
      metadata: { location: 'primary warehouse', storage: 's3://bucket/path' },
    },
    {
      key: 'a2',
      tenantId: a.tenant.id,
      actor: ref(a.user),
      action: `${tag}.update`,
      resourceType: 'catalog',
      resourceId: 'cat-1',
      resourceName: 'sales',
      occurredAt: at(10),
      result: 'denied' as const,
      errorMessage: 'No grant gives "update" on this object',
    },
    {
      key: 'a3',
      tenantId: a.tenant.id,
      actor: ref(a.user),
      action: `${tag}.create`,
      resourceType: 'table',
      resourceId: 'tbl-9',
      resourceName: 'orders_emea',
      occurredAt: at(20),
      metadata: { columns: ['id', 'amount'], note: 'quarterly ledger' },
    },
    {
      key: 'a4',
      tenantId: a.tenant.id,
      actor: ref(a.admin),
      action: `${tag}.delete`,
      resourceType: 'table',
      resourceId: 'tbl-9',
      resourceName: 'orders_emea',
      occurredAt: at(30),
      result: 'failure' as const,
      errorMessage: 'still referenced',
    },
    {
      key: 'b1',
      tenantId: b.tenant.id,
      actor: ref(b.admin),
      action: `${tag}.create`,
      resourceType: 'catalog',
      resourceId: 'cat-2',
      resourceName: 'sales',
      occurredAt: at(5),
      metadata: { note: 'quarterly ledger' },
    },
    {
      key: 'b2',
      tenantId: b.tenant.id,
      actor: ref(b.user),
      action: `${tag}.update`,
      resourceType: 'catalog',
      resourceId: 'cat-2',
      resourceName: 'finance',
      occurredAt: at(15),
    },
    {
      key: 'n1',
      tenantId: null,
      actor: { id: null, type: 'anonymous' as const, name: null },
      action: `${tag}.sign_in`,
      resourceType: 'session',
      resourceName: a.user.name,
      occurredAt: at(25),
      result: 'denied' as const,
      errorMessage: 'Wrong username or password',
    },
  ];
  const written = await appendEvents(events.map(({ key: _k, ...e }) => e));
  events.forEach((e, i) => {
    ids[e.key] = written[i].id;
  });
});

const keysOf = (rows: { id: string }[]) =>
  rows.map((r) => Object.entries(ids).find(([, id]) => id === r.id)?.[0] ?? 'other');

describe('audit search', () => {
  it('Root sees every tenant newest first; a TenantAdmin its tenant; a TenantUser only their own events', async () => {
    const root = a.rootNoTenant;
    expect(keysOf((await searchAudit(root, f({}))).rows)).toEqual(['a4', 'n1', 'a3', 'b2', 'a2', 'b1', 'a1']);
    expect(keysOf((await searchAudit(a.admin, f({}))).rows)).toEqual(['a4', 'a3', 'a2', 'a1']);
    expect(keysOf((await searchAudit(a.user, f({}))).rows)).toEqual(['a3', 'a2']);
    expect(await countAudit(a.user, f({}))).toBe(2);
    // A TenantAdmin asking for another tenant finds nothing rather than that tenant's rows.
    expect((await searchAudit(a.admin, f({ tenant: b.tenant.id }))).rows).toEqual([]);
  });

  it('filters combine with AND', async () => {
    const root = a.rootNoTenant;
    const cases: [Record<string, string>, string[]][] = [
      [{ tenant: b.tenant.id }, ['b2', 'b1']],
      [{ tenant: 'none' }, ['n1']],
      [{ actor: a.user.name }, ['a3', 'a2']],
      [{ actor: a.admin.id, resourceType: 'table' }, ['a4']],
      [{ action: `${tag}.create` }, ['a3', 'b1', 'a1']],
      [{ action: `${tag}.create`, resourceType: 'catalog' }, ['b1', 'a1']],
      [{ resource: 'sales' }, ['a2', 'b1', 'a1']],
      [{ resource: 'tbl-9', result: 'failure' }, ['a4']],
      [{ result: 'denied' }, ['n1', 'a2']],
      [{ from: '2026-03-10T12:05:00Z', to: '2026-03-10T12:20:00Z' }, ['a3', 'b2', 'a2', 'b1']],
      [{ from: '2026-03-10T12:05', to: '2026-03-10 12:20', tenant: a.tenant.id }, ['a3', 'a2']],
      [{ q: 'quarterly' }, ['a3', 'b1']],
      [{ q: 'quart ledg', tenant: a.tenant.id }, ['a3']],
      [{ q: 'warehouse' }, ['a1']],
      [{ q: 'referenced' }, ['a4']],
      [{ q: 'wrong password' }, ['n1']],
      [{ q: 'orders', result: 'success' }, ['a3']],
      [{ actor: 'nobody-by-this-name' }, []],
    ];
    for (const [filters, expected] of cases) {
      const got = keysOf((await searchAudit(root, f(filters))).rows);
      expect({ filters, got }).toEqual({ filters, got: expected });
      expect(await countAudit(root, f(filters))).toBe(expected.length);
    }
  });

  it('pages with a keyset cursor without gaps or repeats, and totals the whole match', async () => {
    const root = a.rootNoTenant;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAudit(root, f({}), { cursor, limit: 2 });
      expect(page.total).toBe(7);
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...keysOf(page.rows));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['a4', 'n1', 'a3', 'b2', 'a2', 'b1', 'a1']);
    await expect(searchAudit(root, f({}), { cursor: 'not-a-cursor' })).rejects.toThrow(/cursor is not valid/);
  });

  it('an event is shown with its metadata only to those who may see it (others get "not found")', async () => {
    const event = await getAuditEvent(a.admin, ids.a3);
    expect(event).toMatchObject({
      action: `${tag}.create`,
      resourceName: 'orders_emea',
      tenantName: a.tenant.name,
      metadata: { columns: ['id', 'amount'] },
    });
    expect((await getAuditEvent(a.rootNoTenant, ids.b1)).tenantId).toBe(b.tenant.id);
    await expect(getAuditEvent(b.admin, ids.a3)).rejects.toThrow('Audit event was not found');
    await expect(getAuditEvent(a.user, ids.a4)).rejects.toThrow('Audit event was not found');
    await expect(getAuditEvent(a.admin, 'not-a-uuid')).rejects.toThrow('Audit event was not found');
  });

  it('the actor filter follows the account, so a renamed user keeps their history', async () => {
    const db = await getDb();
    const renamed = `${a.user.name}-renamed`;
    await db.update(users).set({ username: renamed }).where(eq(users.id, a.user.id));
    expect(keysOf((await searchAudit(a.rootNoTenant, f({ actor: renamed }))).rows)).toEqual(['a3', 'a2']);
    expect(keysOf((await searchAudit(a.admin, f({ actor: a.user.id }))).rows)).toEqual(['a3', 'a2']);
  });

  it('bad filters are refused with a message naming them', () => {
    expect(() => filtersFromParams({ from: 'yesterday-ish' })).toThrow(/not a date and time/);
    expect(() => filtersFromParams({ from: '2026-03-02', to: '2026-03-01' })).toThrow(/must not be after/);
    expect(() => filtersFromParams({ result: 'maybe' })).toThrow();
    expect(() => filtersFromParams({ tenant: 'acme' })).toThrow(/tenant id/);
    expect(filtersFromParams({ user_id: 'x', start_time: '2026-01-01', resource_id: 'r' })).toMatchObject({
      actor: 'x',
      resource: 'r',
      from: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('both ways of serving a free-text page (collect the few matches, or walk the time index) give the same pages', async () => {
    const root = a.rootNoTenant;
    for (const q of ['quarterly', 'sales', 'catalog']) {
      const pages = async (total: number) => {
        const out: string[][] = [];
        let cursor: string | null = null;
        do {
          const p = await searchAudit(root, f({ q }), { cursor, limit: 1, total });
          out.push(keysOf(p.rows));
          cursor = p.nextCursor;
        } while (cursor);
        return out;
      };
      expect(await pages(0)).toEqual(await pages(FEW_MATCHES + 1));
    }
  });

  it('free-text search uses the GIN expression index (the query repeats its expression exactly)', async () => {
    const db = await getDb();
    const where = await auditWhere(db, a.rootNoTenant, filtersFromParams({ q: 'quarterly' }));
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const r = await tx.execute<Record<string, string>>(
        sql`EXPLAIN SELECT ${sql.raw('id')} FROM audit_logs WHERE ${where}`,
      );
      return r.rows.map((row) => Object.values(row)[0]).join('\n');
    });
    expect(plan).toMatch(/Bitmap Index Scan on \S*(to_tsvector|search)\S*/);
  });
});
