/**
 * Set-based data generator for the catalog benchmark: tenants × catalogs × namespaces × assets, written the way
 * the commit engine writes them (asset_identities, one load commit per namespace on each catalog's main branch,
 * asset_versions, assets as the head state, metadata_locations), plus business metadata on 60% of the assets and
 * an update commit touching 1% of them. Tenants, warehouses and catalogs go through the real mutations; the bulk
 * rows are INSERT … SELECT from generate_series, one catalog at a time.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { systemActor, type Actor } from '@/lib/actor';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createTenant } from '@/lib/catalog/tenants';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { executeMutation } from '@/lib/mutation';

export type GenerateOptions = {
  /** Assets in the first ("big") tenant, the one measured. */
  assets: number;
  /** Assets in each of the other tenants (they share the tables and indexes). */
  otherAssets: number;
  tenants: number;
  catalogs: number;
  /** Namespaces per catalog, two levels deep: group_<g>.ns_<i>. */
  namespaces: number;
  log?: (line: string) => void;
};

export type GeneratedTenant = {
  tenantId: string;
  name: string;
  adminId: string;
  adminUsername: string;
  catalogs: string[];
  assets: number;
};

const SUBJECTS = [
  'orders',
  'order_items',
  'customers',
  'refunds',
  'shipments',
  'inventory',
  'products',
  'payments',
  'sessions',
  'page_views',
  'invoices',
  'returns',
  'suppliers',
  'stores',
  'promotions',
  'carts',
  'reviews',
  'loyalty',
  'prices',
  'deliveries',
];
// 200 description words: each appears in about 3% of described assets.
const VOCAB = Array.from(
  { length: 200 },
  (_, i) =>
    `${['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'][i % 10]}${['', 'line', 'stock', 'sale', 'order', 'route', 'yield', 'batch', 'audit', 'price', 'store', 'cost', 'plant', 'fleet', 'grade', 'level', 'merge', 'quota', 'range', 'score'][Math.floor(i / 10)]}`,
);
const TAGS = Array.from(
  { length: 30 },
  (_, i) =>
    ['pii', 'gold', 'silver', 'bronze', 'finance', 'gdpr', 'raw', 'daily', 'certified', 'deprecated'][i % 10] +
    (i >= 10 ? `-${Math.floor(i / 10)}` : ''),
);

const textArray = (xs: string[]) => sql.raw(`ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::text[]`);

export const BENCH_PREFIX = 'bench-catalog';

async function makeTenant(
  db: Db,
  sys: Actor,
  index: number,
  opts: GenerateOptions,
  assets: number,
): Promise<GeneratedTenant> {
  const name = `${BENCH_PREFIX}-${index}`;
  const t = (
    await executeMutation(createTenant, sys, {
      name,
      adminUsername: `${name}-admin`,
      adminPassword: 'bench password 123',
    })
  ).data;
  const admin: Actor = {
    ...sys,
    kind: 'user',
    id: t.adminId!,
    name: `${name}-admin`,
    role: 'tenant_admin',
    homeTenantId: t.id,
    tenantId: t.id,
  };
  await executeMutation(createWarehouse, admin, {
    name: 'lake',
    storageType: 's3',
    bucket: `${name}-lake`,
    region: 'eu-west-1',
    secretAccessKey: 'bench-secret',
  });
  const catalogs: string[] = [];
  const perCatalog = Math.floor(assets / opts.catalogs);
  const perNamespace = Math.max(1, Math.floor(perCatalog / opts.namespaces));
  for (let c = 0; c < opts.catalogs; c++) {
    const catName = `cat_${c}`;
    const cat = (
      await executeMutation(createCatalog, admin, { catalogType: 'local', name: catName, warehouse: 'lake' })
    ).data;
    catalogs.push(catName);
    const started = Date.now();
    await fillCatalog(db, {
      tenantId: t.id,
      catalogId: cat.id,
      mainBranchId: cat.mainBranchId,
      adminId: t.adminId!,
      namespaces: opts.namespaces,
      perNamespace,
      bucket: `${name}-lake/${catName}`,
    });
    opts.log?.(
      `  ${name}/${catName}: ${(perNamespace * opts.namespaces).toLocaleString('en-US')} assets in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return {
    tenantId: t.id,
    name,
    adminId: t.adminId!,
    adminUsername: `${name}-admin`,
    catalogs,
    assets: perNamespace * opts.namespaces * opts.catalogs,
  };
}

type Fill = {
  tenantId: string;
  catalogId: string;
  mainBranchId: string;
  adminId: string;
  namespaces: number;
  perNamespace: number;
  bucket: string;
};

/** One catalog: namespaces, one load commit per namespace, the assets, their versions, pointers and metadata. */
async function fillCatalog(db: Db, f: Fill) {
  const groups = Math.max(1, Math.round(Math.sqrt(f.namespaces)));
  await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL synchronous_commit = off`);
    // Two-level namespaces: group_<g> holding ns_<i>.
    await tx.execute(sql`INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name, properties)
      SELECT ${f.tenantId}, gen_random_uuid(), ${f.catalogId}, NULL, ARRAY['group_' || lpad(g::text, 2, '0')], 'group_' || lpad(g::text, 2, '0'), '{}'
      FROM generate_series(0, ${groups - 1}) g`);
    await tx.execute(sql`INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name, properties)
      SELECT ${f.tenantId}, gen_random_uuid(), ${f.catalogId}, p.id, p.path || ('ns_' || lpad(i::text, 3, '0')), 'ns_' || lpad(i::text, 3, '0'), '{"owner":"bench"}'
      FROM generate_series(0, ${f.namespaces - 1}) i
      JOIN namespaces p ON p.tenant_id = ${f.tenantId} AND p.catalog_id = ${f.catalogId} AND p.path = ARRAY['group_' || lpad((i % ${groups})::text, 2, '0')]`);

    // One load commit per namespace, chained after the catalog's root commit.
    await tx.execute(sql`CREATE TEMP TABLE bench_ns ON COMMIT DROP AS
      SELECT n.id AS namespace_id, n.path, row_number() OVER (ORDER BY n.path) AS k, gen_random_uuid() AS commit_id
      FROM namespaces n WHERE n.tenant_id = ${f.tenantId} AND n.catalog_id = ${f.catalogId} AND n.parent_id IS NOT NULL`);
    await tx.execute(sql`INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_id, author_name, message, operations, change_count, created_at)
      SELECT ${f.tenantId}, s.commit_id, ${f.catalogId}, 'main',
             coalesce(lag(s.commit_id) OVER (ORDER BY s.k), (SELECT head_commit_id FROM branches WHERE tenant_id = ${f.tenantId} AND id = ${f.mainBranchId})),
             s.k, ${f.adminId}, 'bench', 'Load ' || array_to_string(s.path, '.'), '[]', ${f.perNamespace}, now() - interval '30 days' + s.k * interval '1 minute'
      FROM bench_ns s`);

    // The assets: <subject>_<seq> per namespace, one in ten a view (by hash, so views do not cluster by name).
    await tx.execute(sql`CREATE TEMP TABLE bench_assets ON COMMIT DROP AS
      SELECT gen_random_uuid() AS asset_id, s.namespace_id, s.commit_id, s.path, q AS seq,
             (${textArray(SUBJECTS)})[1 + (q % ${SUBJECTS.length})] || '_' || lpad(q::text, 7, '0') AS name,
             CASE WHEN (hashint4(q * 7 + 3) & 2147483647) % 10 = 0 THEN 'view' ELSE 'table' END AS asset_type,
             now() - interval '30 days' + (hashint4(q * 31 + s.k::int) & 2147483647) * interval '1 millisecond' AS updated_at
      FROM bench_ns s, generate_series(1, ${f.perNamespace}) q`);
    await tx.execute(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type, created_by, created_at)
      SELECT ${f.tenantId}, asset_id, ${f.catalogId}, asset_type, ${f.adminId}, updated_at FROM bench_assets`);
    await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
      SELECT ${f.tenantId}, commit_id, asset_id, 'create', false, namespace_id, name, asset_type,
             's3://' || ${f.bucket} || '/' || array_to_string(path, '/') || '/' || name || '/metadata/00000.metadata.json', 0, '{}'
      FROM bench_assets`);
    await tx.execute(sql`INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id, updated_at)
      SELECT ${f.tenantId}, ${f.mainBranchId}, asset_id, ${f.catalogId}, namespace_id, name, asset_type,
             's3://' || ${f.bucket} || '/' || array_to_string(path, '/') || '/' || name || '/metadata/00000.metadata.json', 0, '{}', commit_id, updated_at
      FROM bench_assets`);
    await tx.execute(sql`INSERT INTO metadata_locations (tenant_id, id, asset_id, branch_id, commit_id, location, previous_location, created_at)
      SELECT ${f.tenantId}, gen_random_uuid(), asset_id, ${f.mainBranchId}, commit_id,
             's3://' || ${f.bucket} || '/' || array_to_string(path, '/') || '/' || name || '/metadata/00000.metadata.json', NULL, updated_at
      FROM bench_assets`);
    // Business metadata on 60%: six description words and up to three tags, chosen by hash (deterministic).
    const word = (salt: number) =>
      sql.raw(
        `(${`ARRAY[${VOCAB.map((w) => `'${w}'`).join(',')}]`})[1 + ((hashint4(seq * ${salt} + ${salt}) & 2147483647) % ${VOCAB.length})]`,
      );
    const tag = (salt: number) =>
      sql.raw(
        `(${`ARRAY[${TAGS.map((t) => `'${t}'`).join(',')}]`})[1 + ((hashint4(seq * ${salt} + 7) & 2147483647) % ${TAGS.length})]`,
      );
    await tx.execute(sql`INSERT INTO business_metadata (tenant_id, asset_id, description, tags, properties, discoverable, created_by, updated_by)
      SELECT ${f.tenantId}, asset_id,
             initcap(split_part(name, '_', 1)) || ' data: ' || concat_ws(' ', ${word(3)}, ${word(5)}, ${word(7)}, ${word(11)}, ${word(13)}, ${word(17)}),
             CASE seq % 4 WHEN 0 THEN '{}'::text[] WHEN 1 THEN ARRAY[${tag(19)}] WHEN 2 THEN ARRAY[${tag(19)}, ${tag(23)}] ELSE ARRAY[${tag(19)}, ${tag(23)}, ${tag(29)}] END,
             '{}', seq % 10 = 1, ${f.adminId}, ${f.adminId}
      FROM bench_assets WHERE seq % 5 < 3`);

    // An update commit touching 1% of the assets: new pointer, new version, new head state.
    await tx.execute(sql`WITH last AS (SELECT commit_id, k FROM bench_ns ORDER BY k DESC LIMIT 1)
      INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_id, author_name, message, operations, change_count, created_at)
      SELECT ${f.tenantId}, gen_random_uuid(), ${f.catalogId}, 'main', last.commit_id, last.k + 1, ${f.adminId}, 'bench', 'Nightly refresh', '[]',
             (SELECT count(*) FROM bench_assets WHERE seq % 100 = 7), now() FROM last`);
    await tx.execute(sql`CREATE TEMP TABLE bench_update ON COMMIT DROP AS
      SELECT c.id AS commit_id FROM commits c WHERE c.tenant_id = ${f.tenantId} AND c.catalog_id = ${f.catalogId} AND c.message = 'Nightly refresh'`);
    await tx.execute(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, dropped, namespace_id, name, asset_type, metadata_location, schema_id, properties)
      SELECT ${f.tenantId}, u.commit_id, a.asset_id, 'update', false, a.namespace_id, a.name, a.asset_type,
             's3://' || ${f.bucket} || '/' || array_to_string(a.path, '/') || '/' || a.name || '/metadata/00001.metadata.json', 0, '{}'
      FROM bench_assets a, bench_update u WHERE a.seq % 100 = 7`);
    await tx.execute(sql`INSERT INTO metadata_locations (tenant_id, id, asset_id, branch_id, commit_id, location, previous_location, created_at)
      SELECT ${f.tenantId}, gen_random_uuid(), v.asset_id, ${f.mainBranchId}, v.commit_id, v.metadata_location,
             replace(v.metadata_location, '00001.metadata.json', '00000.metadata.json'), now()
      FROM asset_versions v, bench_update u WHERE v.tenant_id = ${f.tenantId} AND v.commit_id = u.commit_id`);
    await tx.execute(sql`UPDATE assets a SET metadata_location = v.metadata_location, last_commit_id = v.commit_id, updated_at = now()
      FROM asset_versions v, bench_update u
      WHERE v.tenant_id = ${f.tenantId} AND v.commit_id = u.commit_id
        AND a.tenant_id = ${f.tenantId} AND a.branch_id = ${f.mainBranchId} AND a.asset_id = v.asset_id`);
    await tx.execute(sql`UPDATE branches SET head_commit_id = (SELECT commit_id FROM bench_update)
      WHERE tenant_id = ${f.tenantId} AND id = ${f.mainBranchId}`);
  });
}

/** Generates everything; answers the tenants made (the first is the measured one). */
export async function generate(db: Db, opts: GenerateOptions): Promise<GeneratedTenant[]> {
  const sys = systemActor('bench');
  const out: GeneratedTenant[] = [];
  for (let i = 0; i < opts.tenants; i++) {
    opts.log?.(`tenant ${i}: ${(i === 0 ? opts.assets : opts.otherAssets).toLocaleString('en-US')} assets`);
    out.push(await makeTenant(db, sys, i, opts, i === 0 ? opts.assets : opts.otherAssets));
  }
  opts.log?.('VACUUM ANALYZE …');
  for (const t of [
    'namespaces',
    'commits',
    'asset_identities',
    'asset_versions',
    'assets',
    'metadata_locations',
    'business_metadata',
    'asset_words',
    'branches',
  ]) {
    await db.execute(sql.raw(`VACUUM ANALYZE ${t}`));
  }
  return out;
}

/** The bench tenants already in the database (to reuse a generated data set). */
export async function existingBenchTenants(db: Db): Promise<GeneratedTenant[]> {
  const rows = (
    await db.execute<{
      tenantId: string;
      name: string;
      adminId: string;
      adminUsername: string;
      catalogs: string[];
      assets: number;
    }>(sql`
    SELECT t.id AS "tenantId", t.name, u.id AS "adminId", u.username AS "adminUsername",
           ARRAY(SELECT c.name FROM catalogs c WHERE c.tenant_id = t.id ORDER BY c.name) AS catalogs,
           (SELECT count(*)::int FROM assets a WHERE a.tenant_id = t.id) AS assets
    FROM tenants t JOIN users u ON u.tenant_id = t.id AND u.role = 'tenant_admin'
    WHERE t.name LIKE ${`${BENCH_PREFIX}-%`} ORDER BY t.name`)
  ).rows;
  return rows;
}
