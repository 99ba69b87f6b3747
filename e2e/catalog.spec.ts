import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { addColumnUpdates, appendSnapshotUpdates, writeSnapshotFiles } from '../lib/ops/iceberg-files';
import { LocalFileIO } from '../lib/storage/fileio/local';
import { signIn, TENANT_PASSWORD, tenantWithData } from './helpers';

const SECRET = 'e2e-secret-access-key-3f9a1c';
const suffix = Date.now().toString(36);
const TENANT = `acme-${suffix}`;
const ADMIN = `acme-admin-${suffix}`;

/** The success message of the form with this submit button (the status div above it). */
test.describe.configure({ mode: 'serial' });

/** The sidebar (the overview page has links with the same names). */
const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Main' });

const status = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });

test('Root creates a tenant, a warehouse, a catalog and nested namespaces, then browses to a table', async ({
  page,
  request,
}) => {
  await signIn(page);

  // A tenant with its first TenantAdmin, whose generated password is shown once.
  await sidebar(page).getByRole('link', { name: 'Tenants' }).click();
  await expect(page.getByRole('heading', { name: 'Tenants', level: 1 })).toBeVisible();
  await page.getByLabel('Tenant name').fill(TENANT);
  await page.getByLabel('First TenantAdmin username').fill(ADMIN);
  await page.getByRole('button', { name: 'Create tenant' }).click();
  const created = status(page, `Tenant "${TENANT}" created`);
  await expect(created).toBeVisible();
  const password = (await created.textContent())!.match(/shown only now: (\S+)$/)![1];
  expect(password).toHaveLength(20);
  await expect(page.getByRole('link', { name: TENANT })).toBeVisible();

  // Into the tenant.
  await page.getByRole('link', { name: TENANT }).click();
  await page.getByRole('button', { name: 'Switch to this tenant' }).click();
  await expect(page.getByLabel('Tenant', { exact: true })).toHaveValue(/.+/);

  // A warehouse; its secret is never shown back.
  await sidebar(page).getByRole('link', { name: 'Warehouses' }).click();
  await expect(page.getByText('No warehouses yet')).toBeVisible();
  await page.getByLabel('Warehouse name').fill('lake');
  await page.getByLabel('Storage type').selectOption('s3');
  await page.getByLabel('Bucket').fill('acme-lake');
  await page.getByLabel('Region').fill('eu-west-1');
  await page.getByLabel('Access key id').fill('AKIAE2E');
  await page.getByLabel('Secret access key').fill(SECRET);
  await page.getByRole('button', { name: 'Create warehouse' }).click();
  await expect(page.getByRole('heading', { name: 'lake', level: 1 })).toBeVisible();
  // The redirect carries its confirmation along, as a toast; settings are named in words, not config keys.
  await expect(page.getByRole('status', { name: 'Notifications' })).toContainText('Warehouse lake created.');
  await expect(page.getByText('Access key id, Secret access key')).toBeVisible();
  await expect(page.getByLabel('Secret access key')).toHaveValue('');
  expect(await page.content()).not.toContain(SECRET);

  // Credential vending: the form explains the chosen strategy and asks for what it needs.
  await page.getByLabel('Strategy').selectOption('sts');
  await expect(page.getByTestId('vending-help')).toContainText('AssumeRole');
  await page.getByLabel('Role ARN').fill('arn:aws:iam::123456789012:role/lake-vending');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('code', { hasText: 'arn:aws:iam::123456789012:role/lake-vending' })).toBeVisible();
  expect(await page.content()).not.toContain(SECRET);

  // A bad name is refused beside its field.
  await sidebar(page).getByRole('link', { name: 'Catalogs' }).click();
  await page.getByLabel('Catalog name').fill('sales/2024');
  await page.getByRole('button', { name: 'Create catalog' }).click();
  await expect(
    page
      .getByText('Catalog name may only contain letters, digits, "_" and "-", and must start with a letter or digit')
      .last(),
  ).toBeVisible();
  // The banner is a sentence (no raw field key), and focus lands on the field to fix.
  await expect(page.getByRole('alert').first()).toHaveText(/^Catalog name may only contain/);
  await expect(page.getByLabel('Catalog name')).toBeFocused();
  await page.getByLabel('Catalog name').fill('sales');
  await page.getByRole('button', { name: 'Create catalog' }).click();
  await expect(page.getByRole('heading', { name: 'sales', level: 1 })).toBeVisible();
  await expect(page.getByText('This catalog has no namespaces yet.')).toBeVisible();

  // Nested namespaces, created where one browses.
  await page.getByLabel('Namespace name').fill('retail');
  await page.getByRole('button', { name: 'Create namespace' }).click();
  await expect(page).toHaveURL(/ns=retail$/);
  await page.getByLabel('Namespace name').fill('emea');
  await page.getByRole('button', { name: 'Create namespace' }).click();
  await expect(page).toHaveURL(/ns=retail\.emea$/);
  await expect(page.getByRole('heading', { name: 'Tables and views in retail.emea' })).toBeVisible();
  await expect(page.getByText('No tables or views here')).toBeVisible();

  // Tables come from Iceberg clients; here the new TenantAdmin registers one over the API.
  const login = await request.post('/api/v1/users/login', { data: { username: ADMIN, password } });
  expect(login.status()).toBe(200);
  const { token } = await login.json();
  // The generated password is temporary: the API answers 403 until the admin chooses their own.
  const before = await request.get('/api/v1/catalogs', { headers: { authorization: `Bearer ${token}` } });
  expect(before.status()).toBe(403);
  const own = `${password}-own`;
  const changed = await request.post('/api/v1/users/me/password', {
    headers: { authorization: `Bearer ${token}` },
    data: { currentPassword: password, password: own, confirm: own },
  });
  expect(changed.status()).toBe(200);
  const table = await request.post('/api/v1/catalogs/sales/namespaces/retail.emea/assets', {
    headers: { authorization: `Bearer ${token}` },
    data: { name: 'orders', metadataLocation: 's3://acme-lake/sales/retail/emea/orders/metadata/v1.metadata.json' },
  });
  expect(table.status()).toBe(201);

  // Browse to it as a person would: catalog, tree, table.
  await sidebar(page).getByRole('link', { name: 'Catalogs' }).click();
  await page.getByRole('link', { name: 'sales', exact: true }).click();
  const tree = page.getByRole('navigation', { name: 'Namespace tree' });
  await tree.getByRole('link', { name: 'retail' }).click();
  await tree.getByRole('link', { name: 'emea' }).click();
  await page.getByRole('link', { name: 'orders' }).click();
  await expect(page.getByRole('heading', { name: /orders/, level: 1 })).toBeVisible();
  await expect(
    page.getByText('s3://acme-lake/sales/retail/emea/orders/metadata/v1.metadata.json').first(),
  ).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Metadata location history' }).getByRole('cell', { name: /v1\.metadata\.json/ }),
  ).toBeVisible();

  // Business metadata, then find the table by a word of its description.
  await page.getByLabel('Description').fill('Customer orders of the European shops');
  await page.getByLabel('Tags').fill('gold, PII');
  await page.getByRole('button', { name: 'Save business metadata' }).click();
  await expect(status(page, 'Business metadata saved.')).toBeVisible();
  await sidebar(page).getByRole('link', { name: 'Search' }).click();
  await page.getByLabel('Name, description or tag').fill('europ');
  await page.getByLabel('Name, description or tag').press('Enter');
  await expect(page).toHaveURL(/q=europ/);
  await expect(page.getByRole('link', { name: 'orders' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'sales.retail.emea' })).toBeVisible();
});

test('a tenant that owns catalogs is deleted only after typing its name', async ({ page }) => {
  await signIn(page);
  await page.goto('/tenants');
  await page.getByRole('link', { name: TENANT }).click();
  await page.getByRole('button', { name: 'Delete tenant' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog.getByRole('alert').filter({ hasText: `Tenant "${TENANT}" still owns 1 catalog` })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Delete with everything' }).click();
  const cascade = page.getByRole('dialog', { name: `Delete tenant "${TENANT}" and everything in it` });
  await expect(cascade.getByRole('button', { name: 'Delete everything' })).toBeDisabled();
  await cascade.getByLabel(/to confirm/).fill(TENANT);
  await cascade.getByRole('button', { name: 'Delete everything' }).click();
  await expect(page).toHaveURL(/\/tenants$/);
  await expect(page.getByRole('link', { name: TENANT })).toHaveCount(0);
});

test('an engineer reads a table from its metadata file and sees, column by column, what a branch changed', async ({
  page,
  request,
}) => {
  const { admin } = await tenantWithData(request);
  const token = (
    await (await request.post('/api/v1/users/login', { data: { username: admin, password: TENANT_PASSWORD } })).json()
  ).token as string;
  const as = { authorization: `Bearer ${token}` };
  // An Iceberg client creates a table with a nested schema and a partition spec, on a branch changes its schema.
  const created = await request.post('/v1/lake/namespaces/sales/tables', {
    headers: as,
    data: {
      name: 'shipments',
      schema: {
        type: 'struct',
        fields: [
          { id: 1, name: 'id', type: 'long', required: true, doc: 'Shipment id' },
          { id: 2, name: 'sent_at', type: 'timestamptz', required: true },
          {
            id: 3,
            name: 'parcels',
            required: false,
            type: {
              type: 'list',
              'element-id': 4,
              'element-required': true,
              element: { type: 'struct', fields: [{ id: 5, name: 'weight_g', type: 'int', required: true }] },
            },
          },
        ],
      },
      'partition-spec': { fields: [{ 'source-id': 2, name: 'sent_day', transform: 'day' }] },
      properties: { owner: 'logistics' },
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  const metadata = (await created.json()).metadata;
  expect(
    (await request.post('/api/v1/branches', { headers: as, data: { catalog: 'lake', name: 'dev' } })).status(),
  ).toBe(201);
  expect(
    (
      await request.post('/api/v1/tags', { headers: as, data: { catalog: 'lake', name: 'first', ref: 'main' } })
    ).status(),
  ).toBe(201);
  const evolved = await request.post('/v1/lake/namespaces/sales/tables/shipments@dev', {
    headers: as,
    data: { requirements: [], updates: addColumnUpdates(metadata, { name: 'carrier', type: 'string' }) },
  });
  expect(evolved.status(), await evolved.text()).toBe(200);

  // An engine writes two Parquet data files and commits the snapshot that lists them.
  const snapshotId = 4242;
  // The test process writes them where the table lives (the server's storage, on this machine).
  const io = new LocalFileIO([fileURLToPath(metadata.location)]);
  const { manifestList } = await writeSnapshotFiles(io, metadata.location, snapshotId, [
    [
      { name: 'id', type: 'INT64', data: [1n, 2n, 3n] },
      { name: 'sent_at', type: 'INT64', data: [0n, 0n, 0n] },
    ],
    [
      { name: 'id', type: 'INT64', data: [4n, 5n] },
      { name: 'sent_at', type: 'INT64', data: [0n, 0n] },
    ],
  ]);
  const appended = await request.post('/v1/lake/namespaces/sales/tables/shipments', {
    headers: as,
    data: {
      requirements: [],
      updates: appendSnapshotUpdates({
        snapshotId,
        sequenceNumber: 1,
        manifestList,
        summary: { 'added-data-files': '2', 'total-records': '5' },
      }),
    },
  });
  expect(appended.status(), await appended.text()).toBe(200);

  await signIn(page, admin, TENANT_PASSWORD);
  await page.goto('/catalogs/lake?ns=sales');
  await page.getByRole('link', { name: 'shipments' }).click();
  const file = page.getByRole('region', { name: 'Iceberg metadata' });
  await expect(file.getByRole('heading', { name: 'Schema 0 (current)' })).toBeVisible();
  const columns = file.getByRole('table', { name: 'Columns of schema 0' });
  await expect(columns.getByRole('row', { name: /weight_g int required/ })).toBeVisible();
  await expect(columns.getByRole('row', { name: /id long required .* Shipment id/ })).toBeVisible();
  await expect(file.getByText('sent_day = day(sent_at)')).toBeVisible();
  await expect(
    file.getByRole('table', { name: 'Snapshots' }).getByRole('row', { name: /4242 current append/ }),
  ).toBeVisible();
  // The rows themselves, on demand.
  await page.getByLabel('Columns (optional)').fill('id');
  await page.getByRole('button', { name: 'Preview rows' }).click();
  const previewed = page.getByRole('table', { name: 'Preview rows' });
  await expect(previewed.getByRole('row')).toHaveCount(6);
  await expect(previewed.getByRole('cell', { name: '5', exact: true })).toBeVisible();
  await expect(page.getByText('5 rows from 2 of 2 data files')).toBeVisible();
  await expect(file.getByText('logistics')).toBeVisible();
  // Ready-to-copy connection code, per engine.
  await page.getByRole('tab', { name: 'Trino' }).click();
  await expect(page.getByLabel('Trino connection code')).toContainText('iceberg.rest-catalog.warehouse=lake');
  await expect(page.getByLabel('Trino connection code')).toContainText('"lake"."sales"."shipments"');

  await page.goto('/branches/compare?catalog=lake&from=main&to=dev');
  const row = page.getByRole('row').filter({ hasText: 'sales.shipments' });
  await expect(row.getByText('added column carrier (string, optional)')).toBeVisible();

  // main changes the same table another way: the merge preview's conflict says what each side did since the base.
  const onMain = await request.post('/v1/lake/namespaces/sales/tables/shipments', {
    headers: as,
    data: { requirements: [], updates: addColumnUpdates(metadata, { name: 'priority', type: 'int' }) },
  });
  expect(onMain.status(), await onMain.text()).toBe(200);
  await page.goto('/merges/new?catalog=lake&source=dev&target=main');
  const conflict = page.getByRole('region', { name: 'Conflict on sales.shipments' });
  await expect(conflict.getByRole('list', { name: 'What the source changed' })).toHaveText(
    'added column carrier (string, optional)',
  );
  // main also gained the snapshot with the data files since dev branched off.
  await expect(conflict.getByRole('list', { name: 'What the target changed' }).getByRole('listitem')).toHaveText([
    'added column priority (int, optional)',
    'current snapshot none → 4242 (0 → 1 snapshots)',
    'new snapshots: 4242 append (+2 files)',
  ]);
  // The table as it was at a tag: browse there and open it; main's later column is not in that schema.
  await page.goto('/branches/browse?catalog=lake&ref=tag:first');
  await page.getByRole('link', { name: 'sales.shipments' }).click();
  await expect(page.getByText(/as it was at commit [0-9a-f]{8}/)).toBeVisible(); // the commit the tag names: a stable link
  const old = page
    .getByRole('region', { name: 'Iceberg metadata' })
    .getByRole('table', { name: 'Columns of schema 0' });
  await expect(old.getByRole('row', { name: /weight_g/ })).toBeVisible();
  await expect(old.getByRole('row', { name: /priority/ })).toHaveCount(0);
  await page.goto('/merges/new?catalog=lake&source=dev&target=main');

  // The three schemas in full, what each side changed marked.
  await conflict.getByText('Schemas side by side').click();
  await expect(
    conflict.getByRole('table', { name: 'Source schema' }).getByRole('row', { name: /carrier .*added/ }),
  ).toBeVisible();
  await expect(
    conflict.getByRole('table', { name: 'Target schema' }).getByRole('row', { name: /priority .*added/ }),
  ).toBeVisible();
  await expect(conflict.getByRole('table', { name: 'Base schema' }).getByRole('row', { name: /carrier/ })).toHaveCount(
    0,
  );

  // Resolve by taking the source (dev's schema), complete, and the table on main now has carrier.
  await page.getByRole('button', { name: 'Start merge' }).click();
  const started = page.getByRole('region', { name: 'Conflict on sales.shipments' });
  await started.getByRole('button', { name: 'Take source' }).click();
  await expect(
    started.getByRole('status').filter({ hasText: 'Resolved; the merge is ready to complete.' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Complete merge' }).click();
  await expect(page.getByText('completed', { exact: true })).toBeVisible();
  await page.goto('/catalogs/lake?ns=sales');
  await page.getByRole('link', { name: 'shipments' }).click();
  await expect(
    page.getByRole('table', { name: /Columns of schema/ }).getByRole('row', { name: /carrier string/ }),
  ).toBeVisible();
});

test('an engineer expires old snapshots of a table: a dry run lists the files, the confirmed run removes them', async ({
  page,
  request,
}) => {
  const { admin } = await tenantWithData(request);
  const token = (
    await (await request.post('/api/v1/users/login', { data: { username: admin, password: TENANT_PASSWORD } })).json()
  ).token as string;
  const as = { authorization: `Bearer ${token}` };
  const created = await request.post('/v1/lake/namespaces/sales/tables', {
    headers: as,
    data: { name: 'events', schema: { type: 'struct', fields: [{ id: 1, name: 'id', type: 'long', required: true }] } },
  });
  expect(created.status(), await created.text()).toBe(200);
  const location = (await created.json()).metadata.location as string;
  const io = new LocalFileIO([fileURLToPath(location)]);
  // Two appends, the second listing the first's manifests: expiring the first snapshot frees its manifest list.
  let parentList: string | undefined;
  const lists: string[] = [];
  for (const [i, snapshotId] of [5101, 5102].entries()) {
    const { manifestList } = await writeSnapshotFiles(
      io,
      location,
      snapshotId,
      [[{ name: 'id', type: 'INT64', data: [BigInt(i)] }]],
      { sequenceNumber: i + 1, parentManifestList: parentList },
    );
    const appended = await request.post('/v1/lake/namespaces/sales/tables/events', {
      headers: as,
      data: {
        requirements: [],
        updates: appendSnapshotUpdates({
          snapshotId,
          sequenceNumber: i + 1,
          manifestList,
          parentId: i ? 5101 : null,
        }),
      },
    });
    expect(appended.status(), await appended.text()).toBe(200);
    parentList = manifestList;
    lists.push(manifestList);
  }

  await signIn(page, admin, TENANT_PASSWORD);
  await page.goto('/catalogs/lake?ns=sales');
  await page.getByRole('link', { name: 'events' }).click();
  const expire = page.getByRole('region', { name: 'Expire snapshots' });
  await expect(expire.getByLabel('Keep the last N snapshots of each branch')).toHaveValue('1');
  await expire.getByLabel('Older than (days)').fill('0');
  await expire.getByRole('button', { name: 'Dry run: expire snapshots' }).click();
  const result = page.getByRole('region', { name: 'Dry run result' });
  await expect(result.getByText(/Would remove 1 file/)).toBeVisible();
  await expect(result.getByRole('list', { name: 'Files to remove' })).toContainText(lists[0]);

  await result.getByRole('button', { name: 'Expire snapshots now' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Run it' }).click();
  // The job runs in the background; the page refreshes itself until the run is done.
  const runs = page.getByRole('list', { name: 'Table maintenance runs' });
  await expect(runs.getByRole('listitem').filter({ hasText: '1 of 1 file removed' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(runs.getByRole('listitem').first().getByText('succeeded')).toBeVisible();
  // Only the current snapshot is left (5101 shows only as its parent).
  const snapshots = page.getByRole('table', { name: 'Snapshots' });
  await expect(snapshots.getByRole('row', { name: /^5102 current/ })).toBeVisible();
  await expect(snapshots.getByRole('row', { name: /^5101 / })).toHaveCount(0);
});
