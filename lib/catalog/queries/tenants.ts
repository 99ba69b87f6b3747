import 'server-only';
import { and, asc, count, eq, ilike, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { tenants, users } from '@/db/schema';
import { type Actor } from '@/lib/actor';
import { requireRoot } from '@/lib/authz';
import { notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page, pickSort } from '../../../db/keyset';
import { isUuid } from '@/lib/ids';

/** Tenants for Root's switcher (names only). */
export async function listTenantChoices(actor: Actor) {
  requireRoot(actor);
  const db = await getDb();
  return db.select({ id: tenants.id, name: tenants.name }).from(tenants).orderBy(asc(tenants.name)).limit(1000);
}

export type TenantRow = {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  catalogCount: number;
  userCount: number;
};

const sortable = { name: tenants.name, createdAt: tenants.createdAt } as const;
export type TenantSort = keyof typeof sortable;

export async function listTenants(
  actor: Actor,
  opts: { q?: string; sort?: TenantSort; desc?: boolean; cursor?: string | null; limit?: number },
): Promise<Page<TenantRow>> {
  requireRoot(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sortColumn = sortable[pickSort(sortable, opts.sort, 'name')];
  const filter = opts.q ? ilike(tenants.name, `%${likeEscape(opts.q)}%`) : undefined;
  const page = keyset({
    sortColumn,
    idColumn: tenants.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: opts.sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: tenants.id,
        name: tenants.name,
        description: tenants.description,
        createdAt: tenants.createdAt,
        catalogCount: sql<number>`(SELECT count(*)::int FROM catalogs c WHERE c.tenant_id = "tenants"."id")`,
        userCount: sql<number>`(SELECT count(*)::int FROM users u WHERE u.tenant_id = "tenants"."id")`,
      })
      .from(tenants)
      .where(filter && page.where ? sql`${filter} AND ${page.where}` : (filter ?? page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(tenants).where(filter),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(opts.sort === 'createdAt' ? r.createdAt : r.name, r.id));
}

export type TenantDetail = {
  id: string;
  name: string;
  description: string | null;
  properties: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  counts: { catalogs: number; warehouses: number; users: number };
  admins: { id: string; username: string }[];
};

/** A tenant with what its delete dialog and detail page need (Root only). */
export async function getTenantDetail(actor: Actor, id: string): Promise<TenantDetail> {
  requireRoot(actor);
  if (!isUuid(id)) throw notFound('Tenant');
  const db = await getDb();
  const [t] = await db
    .select({
      id: tenants.id,
      name: tenants.name,
      description: tenants.description,
      properties: tenants.properties,
      createdAt: tenants.createdAt,
      updatedAt: tenants.updatedAt,
      catalogs: sql<number>`(SELECT count(*)::int FROM catalogs c WHERE c.tenant_id = "tenants"."id")`,
      warehouses: sql<number>`(SELECT count(*)::int FROM warehouses w WHERE w.tenant_id = "tenants"."id")`,
      users: sql<number>`(SELECT count(*)::int FROM users u WHERE u.tenant_id = "tenants"."id")`,
    })
    .from(tenants)
    .where(eq(tenants.id, id))
    .limit(1);
  if (!t) throw notFound('Tenant');
  const admins = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(and(eq(users.tenantId, id), eq(users.role, 'tenant_admin')))
    .orderBy(asc(users.username))
    .limit(20);
  const { catalogs: c, warehouses: w, users: u, ...rest } = t;
  return { ...rest, counts: { catalogs: c, warehouses: w, users: u }, admins };
}
