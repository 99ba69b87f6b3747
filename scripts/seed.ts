import { pathToFileURL } from 'node:url';
import { localWarehouseRoot, tenantStorageDir } from '@/lib/storage/roots';
/**
 * `npm run db:seed`: a demo to click through. Two tenants (acme, globex) with warehouses of every storage type,
 * local and federated catalogs, nested namespaces, a few hundred tables and views with business metadata,
 * branches with their own commits, and TenantAdmin / TenantUser accounts with a role and grants.
 *
 * Everything goes through the same audited mutations as the console. It refuses to run twice: delete the demo
 * tenants (Tenants page, "Delete with everything") to seed again. Passwords are generated and printed once,
 * unless PANGOLIN_DEMO_PASSWORD (12+ characters) sets one for every demo account.
 */
import { randomBytes } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { closeDb } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { tenants } from '@/db/schema';
import { systemActor, type Actor } from '@/lib/actor';
import { createAsset, renameAsset, setBusinessMetadata, updateAsset } from '@/lib/catalog/assets';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createNamespace } from '@/lib/catalog/namespaces';
import { createTenant } from '@/lib/catalog/tenants';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { createGrant } from '@/lib/governance/grants';
import { createRole } from '@/lib/governance/roles';
import { assignRole, createUser } from '@/lib/governance/users';
import { executeMutation, type Mutation } from '@/lib/mutation';
import { waitForDatabase } from '@/lib/ops/startup';
import { requireDatabaseKeys } from '@/lib/ops/cli';
import { createBranch } from '@/lib/versioning/mutations';
import { seedDemoLake, type DemoLake } from '@/lib/ops/demo-lake';

const TENANTS = ['acme', 'globex'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any mutation, whatever its input schema
const run = async <O>(m: Mutation<any, O>, actor: Actor, input: unknown): Promise<O> =>
  (await executeMutation(m, actor, input)).data;

const demoPassword = () => process.env.PANGOLIN_DEMO_PASSWORD ?? randomBytes(12).toString('base64url');

/** A small deterministic generator, so every seeded demo looks the same. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

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
  'loyalty_points',
  'prices',
  'deliveries',
];
const SUFFIXES = ['', '_daily', '_raw', '_clean', '_agg', '_v2', '_snapshot', '_hist'];
const DESCRIBE: Record<string, string> = {
  orders: 'Customer orders, one row per order, with totals in EUR',
  order_items: 'Order lines with product, quantity and price',
  customers: 'Customer master data: names, addresses and consent flags',
  refunds: 'Refunds issued by customer service, with reasons',
  shipments: 'Parcels handed to carriers, with tracking numbers',
  inventory: 'Stock levels per store and product, end of day',
  products: 'Product catalogue with categories and attributes',
  payments: 'Card and wallet payments as settled by the payment provider',
  sessions: 'Web shop sessions from the clickstream',
  page_views: 'Page views from the web shop clickstream',
  invoices: 'Invoices sent to business customers',
  returns: 'Returned items and their condition',
  suppliers: 'Suppliers with contract terms',
  stores: 'Physical stores with opening hours and regions',
  promotions: 'Marketing promotions and their discount rules',
  carts: 'Abandoned and converted shopping carts',
  reviews: 'Product reviews with star ratings',
  loyalty_points: 'Loyalty programme points earned and spent',
  prices: 'Price history per product and channel',
  deliveries: 'Inbound deliveries from suppliers to warehouses',
};
const TAGS = ['gold', 'silver', 'bronze', 'pii', 'gdpr', 'finance', 'marketing', 'daily', 'raw', 'certified'];

type CatalogPlan = { name: string; warehouse?: string; namespaces: string[][]; tablesPerNamespace: number };
type TenantPlan = {
  name: (typeof TENANTS)[number];
  description: string;
  warehouses: Record<string, unknown>[];
  catalogs: CatalogPlan[];
  federated?: { name: string; url: string };
  /** A catalog of real Iceberg tables with data (lib/ops/demo-lake.ts) on a local warehouse. */
  demoLake?: { catalog: string; warehouse: string };
  people: { username: string; displayName: string; role: 'tenant_admin' | 'tenant_user'; does: string }[];
};

const PLANS: TenantPlan[] = [
  {
    name: 'acme',
    description: 'Acme Retail: web shop and stores across three regions',
    warehouses: [
      {
        name: 'acme-s3',
        storageType: 's3',
        bucket: 'acme-lakehouse',
        region: 'eu-west-1',
        vendingStrategy: 'sts',
        roleArn: 'arn:aws:iam::123456789012:role/acme-lakehouse-vending',
        accessKeyId: 'AKIADEMOACMEEXAMPLE',
        secretAccessKey: randomBytes(24).toString('base64url'),
      },
      {
        name: 'acme-minio',
        storageType: 's3',
        bucket: 'acme-dev',
        endpoint: 'http://minio.acme.internal:9000',
        pathStyle: true,
        vendingStrategy: 'static',
        allowStatic: true,
        accessKeyId: 'minio-demo',
        secretAccessKey: randomBytes(24).toString('base64url'),
      },
      { name: 'acme-local', storageType: 'local', rootPath: 'acme' },
    ],
    demoLake: { catalog: 'demo_lake', warehouse: 'acme-local' },
    catalogs: [
      {
        name: 'sales',
        warehouse: 'acme-s3',
        tablesPerNamespace: 26,
        namespaces: [
          ['emea', 'retail'],
          ['emea', 'online'],
          ['apac', 'retail'],
          ['americas', 'retail'],
          ['americas', 'online'],
        ],
      },
      {
        name: 'analytics',
        warehouse: 'acme-s3',
        tablesPerNamespace: 22,
        namespaces: [['marts', 'finance'], ['marts', 'marketing'], ['staging'], ['reference', 'geo', 'countries']],
      },
      {
        name: 'sandbox',
        warehouse: 'acme-local',
        tablesPerNamespace: 10,
        namespaces: [['ana'], ['bo', 'experiments']],
      },
    ],
    federated: { name: 'partner-feed', url: 'http://localhost:8181' },
    people: [
      {
        username: 'acme-ana',
        displayName: 'Ana Analyst',
        role: 'tenant_user',
        does: 'role Analysts: read on catalogs sales and analytics',
      },
      {
        username: 'acme-bo',
        displayName: 'Bo Steward',
        role: 'tenant_user',
        does: 'manage-discovery on catalog sales, write on sandbox',
      },
    ],
  },
  {
    name: 'globex',
    description: 'Globex Manufacturing: plants, supply chain and finance',
    warehouses: [
      {
        name: 'globex-adls',
        storageType: 'azure',
        container: 'lake',
        accountName: 'globexdata',
        vendingStrategy: 'sas',
        accountKey: randomBytes(32).toString('base64'),
      },
      {
        name: 'globex-gcs',
        storageType: 'gcs',
        bucket: 'globex-warehouse',
        vendingStrategy: 'downscoped',
        serviceAccountJson: JSON.stringify({
          type: 'service_account',
          project_id: 'globex-demo',
          private_key_id: randomBytes(8).toString('hex'),
        }),
      },
    ],
    catalogs: [
      {
        name: 'plant-ops',
        warehouse: 'globex-adls',
        tablesPerNamespace: 22,
        namespaces: [['plants', 'north'], ['plants', 'south'], ['maintenance']],
      },
      {
        name: 'finance',
        warehouse: 'globex-gcs',
        tablesPerNamespace: 20,
        namespaces: [['ledger'], ['controlling', 'cost_centers']],
      },
    ],
    people: [
      {
        username: 'globex-carla',
        displayName: 'Carla Controller',
        role: 'tenant_user',
        does: 'read on catalog finance',
      },
    ],
  },
];

/** Where a warehouse keeps files, as a URI prefix (for plausible metadata locations). */
function storageRoot(w: Record<string, unknown> | undefined, tenantId: string): string {
  switch (w?.storageType) {
    case 's3':
      return `s3://${w.bucket}`;
    case 'gcs':
      return `gs://${w.bucket}`;
    case 'azure':
      return `abfss://${w.container}@${w.accountName}.dfs.core.windows.net`;
    default:
      return pathToFileURL(localWarehouseRoot(tenantId, w?.rootPath) ?? tenantStorageDir(tenantId)).href;
  }
}

async function seedTenant(root: Actor, plan: TenantPlan) {
  const adminPassword = demoPassword();
  const t = await run(createTenant, root, {
    name: plan.name,
    description: plan.description,
    adminUsername: `${plan.name}-admin`,
    adminPassword,
    properties: { demo: 'true' },
  });
  const admin: Actor = {
    ...root,
    tenantId: t.id,
    name: `${plan.name}-admin`,
    id: t.adminId!,
    kind: 'user',
    role: 'tenant_admin',
    homeTenantId: t.id,
  };
  const credentials = [
    { username: `${plan.name}-admin`, password: adminPassword, role: 'TenantAdmin', does: 'everything in the tenant' },
  ];
  for (const w of plan.warehouses) await run(createWarehouse, admin, w);

  const random = rng(plan.name.length * 7919);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const catalogIds: Record<string, string> = {};
  const created: { catalog: string; namespace: string[]; name: string; assetId: string }[] = [];
  for (const c of plan.catalogs) {
    const cat = await run(createCatalog, admin, {
      catalogType: 'local',
      name: c.name,
      warehouse: c.warehouse,
      properties: { owner: `${plan.name}-data-team` },
    });
    catalogIds[c.name] = cat.id;
    for (const ns of c.namespaces) {
      await run(createNamespace, admin, {
        catalog: c.name,
        namespace: ns,
        properties: {
          owner: pick(['data-eng', 'analytics', 'finance-it']),
          retention_days: String(pick([30, 90, 365])),
        },
      });
      const used = new Set<string>();
      for (let i = 0; i < c.tablesPerNamespace; i++) {
        const subject = pick(SUBJECTS);
        const name = `${subject}${pick(SUFFIXES)}`;
        if (used.has(name)) continue;
        used.add(name);
        const isView = name.endsWith('_agg') || random() < 0.08;
        const base = `${storageRoot(
          plan.warehouses.find((w) => w.name === c.warehouse),
          t.id,
        )}/${c.name}/${ns.join('/')}/${name}`;
        const a = await run(createAsset, admin, {
          catalog: c.name,
          namespace: ns,
          name,
          assetType: isView ? 'view' : 'table',
          metadataLocation: `${base}/metadata/00000-${randomBytes(4).toString('hex')}.metadata.json`,
          properties: { 'write.format.default': 'parquet', owner: pick(['ana', 'bo', 'carla', 'etl']) },
        });
        created.push({ catalog: c.name, namespace: ns, name, assetId: a.assetId });
        if (random() < 0.75) {
          const tags = [...new Set([pick(TAGS), pick(TAGS), ...(subject === 'customers' ? ['pii', 'gdpr'] : [])])];
          await run(setBusinessMetadata, admin, {
            assetId: a.assetId,
            description: `${DESCRIBE[subject]}${ns.length ? ` (${ns.join(' / ')})` : ''}.`,
            tags,
            discoverable: random() < 0.25,
          });
        }
      }
    }
  }

  // History: new snapshots on main, and branches with their own commits.
  const first = plan.catalogs[0].name;
  const firstRoot = storageRoot(
    plan.warehouses.find((w) => w.name === plan.catalogs[0].warehouse),
    t.id,
  );
  const onMain = created.filter((x) => x.catalog === first).slice(0, 12);
  for (const a of onMain) {
    await run(updateAsset, admin, {
      catalog: first,
      namespace: a.namespace,
      name: a.name,
      metadataLocation: `${firstRoot}/${first}/${a.namespace.join('/')}/${a.name}/metadata/00001-${randomBytes(4).toString('hex')}.metadata.json`,
      message: `Append new data to ${a.name}`,
    });
  }
  await run(createBranch, admin, { catalog: first, name: 'etl-nightly', branchType: 'ingest' });
  for (const a of onMain.slice(0, 6)) {
    await run(updateAsset, admin, {
      catalog: first,
      branch: 'etl-nightly',
      namespace: a.namespace,
      name: a.name,
      metadataLocation: `${firstRoot}/${first}/${a.namespace.join('/')}/${a.name}/metadata/00002-${randomBytes(4).toString('hex')}.metadata.json`,
      message: `Nightly load of ${a.name}`,
    });
  }
  await run(createBranch, admin, { catalog: first, name: 'dedupe-experiment', branchType: 'experimental' });
  const renamed = onMain[7];
  if (renamed)
    await run(renameAsset, admin, {
      catalog: first,
      branch: 'dedupe-experiment',
      namespace: renamed.namespace,
      name: renamed.name,
      newName: `${renamed.name}_dedup`,
      message: `Try a deduplicated ${renamed.name}`,
    });

  if (plan.federated) {
    await run(createCatalog, admin, {
      catalogType: 'federated',
      name: plan.federated.name,
      url: plan.federated.url,
      authType: 'bearer',
      token: randomBytes(16).toString('hex'),
    });
  }

  let lake: DemoLake | null = null;
  if (plan.demoLake) {
    await run(createCatalog, admin, {
      catalogType: 'local',
      name: plan.demoLake.catalog,
      warehouse: plan.demoLake.warehouse,
      properties: { owner: `${plan.name}-data-team`, demo: 'real Iceberg tables with data' },
    });
    lake = await seedDemoLake(admin, plan.demoLake.catalog);
  }

  // People: a role with read grants, and direct grants.
  const people: Record<string, string> = {};
  for (const p of plan.people) {
    const password = demoPassword();
    const u = await run(createUser, admin, {
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      password,
    });
    people[p.username] = u.id;
    credentials.push({
      username: p.username,
      password,
      role: p.role === 'tenant_admin' ? 'TenantAdmin' : 'TenantUser',
      does: p.does,
    });
  }
  if (plan.name === 'acme') {
    const role = await run(createRole, admin, {
      name: 'Analysts',
      description: 'Read access to the sales and analytics catalogs',
      grants: [
        { scopeType: 'catalog', catalogId: catalogIds.sales, actions: ['read'] },
        { scopeType: 'catalog', catalogId: catalogIds.analytics, actions: ['read'] },
      ],
    });
    await run(assignRole, admin, { userId: people['acme-ana'], roleId: role.id });
    await run(createGrant, admin, {
      userId: people['acme-bo'],
      scopeType: 'catalog',
      catalogId: catalogIds.sales,
      actions: ['manage-discovery'],
    });
    await run(createGrant, admin, {
      userId: people['acme-bo'],
      scopeType: 'catalog',
      catalogId: catalogIds.sandbox,
      actions: ['write'],
    });
  } else {
    await run(createGrant, admin, {
      userId: people['globex-carla'],
      scopeType: 'catalog',
      catalogId: catalogIds.finance,
      actions: ['read'],
    });
  }
  return { tenant: plan.name, assets: created.length, credentials, lake };
}

async function main() {
  const db = await waitForDatabase(5);
  await runMigrations(db);
  // The seed seals warehouse credentials: only with the keys the database was initialised with (exit 2 otherwise).
  await requireDatabaseKeys(db);
  const existing = await db
    .select({ name: tenants.name })
    .from(tenants)
    .where(inArray(tenants.name, [...TENANTS]));
  if (existing.length) {
    console.log(
      `The demo is already there (tenant${existing.length > 1 ? 's' : ''} ${existing.map((t) => t.name).join(', ')}); nothing was changed.`,
    );
    console.log(
      'Its passwords were printed when it was seeded. To seed again, delete the demo tenants first (Tenants page, "Delete with everything").',
    );
    return;
  }
  const root = { ...systemActor('seed'), name: 'seed' };
  const started = Date.now();
  const results = [];
  for (const plan of PLANS) results.push(await seedTenant(root, plan));
  console.log(`Seeded the demo in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  for (const r of results) {
    console.log(`  tenant ${r.tenant}: ${r.assets} tables and views`);
    if (r.lake)
      console.log(
        `    catalog ${r.lake.catalog}: real Iceberg tables ${r.lake.tables.join(', ')} (${r.lake.rows.toLocaleString('en-US')} rows) and view ${r.lake.views.join(', ')}; branch ${r.lake.branch} changes shop.orders' schema differently from main (merge it to see the conflict)`,
      );
  }
  console.log('\nDemo accounts (passwords shown only now):');
  for (const r of results) {
    for (const c of r.credentials)
      console.log(`  ${c.username.padEnd(14)} ${c.password.padEnd(20)} ${c.role.padEnd(12)} ${c.does}`);
  }
  console.log(
    '\nRoot signs in with the account made on first start (or PANGOLIN_ROOT_USER) and can switch into either tenant.',
  );
}

main().then(
  () => closeDb(),
  async (err) => {
    console.error(`Seeding failed: ${err instanceof Error ? err.message : String(err)}`);
    await closeDb().catch(() => undefined);
    process.exit(1);
  },
);
