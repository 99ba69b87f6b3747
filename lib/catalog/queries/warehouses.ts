import 'server-only';
import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { catalogs, systemSettings, warehouses } from '@/db/schema';
import { type Actor, isRoot } from '@/lib/actor';
import { can, requireTenant } from '@/lib/authz';
import { storedCredentialFields } from '@/lib/catalog/warehouses';
import { forbidden, notFound } from '@/lib/errors';
import { encodeCursor, keyset, likeEscape, toPage, type Page } from '../../../db/keyset';
import { isUuid } from '@/lib/ids';

/** Warehouses are tenant configuration: admins, and whoever may create catalogs in the tenant. */
async function requireWarehouseReader(actor: Actor): Promise<string> {
  const tenantId = requireTenant(actor);
  if (isRoot(actor) || actor.role === 'tenant_admin') return tenantId;
  if (await can(await getDb(), actor, 'create', { tenantId })) return tenantId;
  throw forbidden('Only a TenantAdmin, or someone who may create catalogs, may see warehouses');
}

export type WarehouseRow = {
  id: string;
  name: string;
  storageType: 's3' | 'azure' | 'gcs' | 'local';
  location: string;
  vendingStrategy: string;
  catalogCount: number;
  createdAt: Date;
};

/** "s3://bucket", "abfss://container@account", "/root/path": where the warehouse points, without secrets. */
export function warehouseLocation(storageType: string, cfg: Record<string, string | boolean>): string {
  switch (storageType) {
    case 's3':
      return `s3://${cfg.bucket ?? ''}${cfg.region ? ` (${cfg.region})` : ''}`;
    case 'gcs':
      return `gs://${cfg.bucket ?? ''}`;
    case 'azure':
      return `abfss://${cfg.container ?? ''}@${cfg.accountName ?? ''}`;
    default:
      return String(cfg.rootPath ?? '');
  }
}

const sortable = { name: warehouses.name, createdAt: warehouses.createdAt } as const;
export type WarehouseSort = keyof typeof sortable;

export async function listWarehouses(
  actor: Actor,
  opts: {
    q?: string;
    storageType?: string;
    sort?: WarehouseSort;
    desc?: boolean;
    cursor?: string | null;
    limit?: number;
  },
): Promise<Page<WarehouseRow>> {
  const tenantId = await requireWarehouseReader(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = opts.sort ?? 'name';
  const filters: (SQL | undefined)[] = [
    eq(warehouses.tenantId, tenantId),
    opts.q ? ilike(warehouses.name, `%${likeEscape(opts.q)}%`) : undefined,
    opts.storageType ? eq(warehouses.storageType, opts.storageType as WarehouseRow['storageType']) : undefined,
  ];
  const page = keyset({
    sortColumn: sortable[sort],
    idColumn: warehouses.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: warehouses.id,
        name: warehouses.name,
        storageType: warehouses.storageType,
        storageConfig: warehouses.storageConfig,
        vendingStrategy: warehouses.vendingStrategy,
        createdAt: warehouses.createdAt,
        catalogCount: sql<number>`(SELECT count(*)::int FROM catalogs c WHERE c.tenant_id = "warehouses"."tenant_id" AND c.warehouse_id = "warehouses"."id")`,
      })
      .from(warehouses)
      .where(and(...filters, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db
      .select({ total: count() })
      .from(warehouses)
      .where(and(...filters)),
  ]);
  const shaped = rows.map(({ storageConfig, ...r }) => ({
    ...r,
    location: warehouseLocation(r.storageType, storageConfig),
  }));
  return toPage(shaped, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.name, r.id));
}

export type WarehouseDetail = {
  id: string;
  name: string;
  storageType: WarehouseRow['storageType'];
  storageConfig: Record<string, string | boolean>;
  vendingStrategy: string;
  useSts: boolean;
  /** Names of the stored secret fields (never their values). */
  storedSecretFields: string[];
  catalogs: { id: string; name: string }[];
  catalogCount: number;
  createdAt: Date;
  updatedAt: Date;
};

/** One warehouse by id or name; the stored credentials are reported only as the names of the fields held. */
export async function getWarehouse(actor: Actor, idOrName: string): Promise<WarehouseDetail> {
  const tenantId = await requireWarehouseReader(actor);
  const db = await getDb();
  const [w] = await db
    .select({
      id: warehouses.id,
      name: warehouses.name,
      storageType: warehouses.storageType,
      storageConfig: warehouses.storageConfig,
      vendingStrategy: warehouses.vendingStrategy,
      useSts: warehouses.useSts,
      sealed: warehouses.credentialsEncrypted,
      createdAt: warehouses.createdAt,
      updatedAt: warehouses.updatedAt,
    })
    .from(warehouses)
    .where(
      and(
        eq(warehouses.tenantId, tenantId),
        isUuid(idOrName)
          ? or(eq(warehouses.id, idOrName), eq(warehouses.name, idOrName))
          : eq(warehouses.name, idOrName),
      ),
    )
    .limit(1);
  if (!w) throw notFound(`Warehouse "${idOrName}"`);
  const where = and(eq(catalogs.tenantId, tenantId), eq(catalogs.warehouseId, w.id));
  const [used, [{ n }]] = await Promise.all([
    db
      .select({ id: catalogs.id, name: catalogs.name })
      .from(catalogs)
      .where(where)
      .orderBy(asc(catalogs.name))
      .limit(50),
    db.select({ n: count() }).from(catalogs).where(where),
  ]);
  const { sealed, ...rest } = w;
  return { ...rest, storedSecretFields: storedCredentialFields(sealed), catalogs: used, catalogCount: n };
}

/** Names for the "warehouse" select of the catalog form, the tenant's default (settings) marked. */
export async function warehouseChoices(actor: Actor) {
  const tenantId = await requireWarehouseReader(actor);
  const db = await getDb();
  const isDefault = sql<boolean>`coalesce(${warehouses.id}::text = (SELECT s.settings->>'defaultWarehouseId' FROM ${systemSettings} s WHERE s.tenant_id = ${tenantId}), false)`;
  return db
    .select({ id: warehouses.id, name: warehouses.name, storageType: warehouses.storageType, isDefault })
    .from(warehouses)
    .where(eq(warehouses.tenantId, tenantId))
    .orderBy(asc(warehouses.name))
    .limit(500);
}
