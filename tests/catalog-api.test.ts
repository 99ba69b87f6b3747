import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { catalogs, tenants, users, warehouses } from '@/db/schema';
import * as tenantsRoute from '@/app/api/v1/tenants/route';
import * as tenantRoute from '@/app/api/v1/tenants/[id]/route';
import * as warehousesRoute from '@/app/api/v1/warehouses/route';
import * as warehouseRoute from '@/app/api/v1/warehouses/[warehouse]/route';
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import * as catalogRoute from '@/app/api/v1/catalogs/[catalog]/route';
import * as summaryRoute from '@/app/api/v1/catalogs/[catalog]/summary/route';
import * as settingsRoute from '@/app/api/v1/config/settings/route';
import { signInWithPassword } from '@/lib/auth/login';
import { call, catalogTenant, documented, signedIn } from './support/catalog';
import { uniqueName } from './support/fixtures';

// Route handlers revalidate console pages; outside a Next server there is no cache to revalidate.
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

describe('every /api/v1 answer names its request', () => {
  it('success and every kind of refusal carry X-Request-Id; one sent by a proxy is kept', async () => {
    const root = await signedIn('root', null);
    const answers = [
      await call(catalogsRoute.GET, '/api/v1/catalogs', {
        as: root,
        headers: { 'x-pangolin-tenant': 'no-such-tenant' },
      }),
      await call(tenantsRoute.GET, '/api/v1/tenants', { as: root }),
      await call(tenantsRoute.GET, '/api/v1/tenants'),
      await call(tenantsRoute.POST, '/api/v1/tenants', { as: root, method: 'POST', body: '{"name": ' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 200, 401, 400]);
    for (const a of answers) expect(a.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await call(tenantsRoute.GET, '/api/v1/tenants', {
      as: root,
      headers: { 'x-request-id': 'edge-42.a' },
    });
    expect(traced.requestId).toBe('edge-42.a');
  });
});

describe('tenants over /api/v1 (Root only)', () => {
  it('creates a tenant with its first TenantAdmin, whose generated password is answered once and works', async () => {
    const root = await signedIn('root', null);
    const name = uniqueName('acme');
    const adminUsername = uniqueName('acme-admin');
    const created = await documented(
      'post',
      '/api/v1/tenants',
      await call(tenantsRoute.POST, '/api/v1/tenants', {
        as: root,
        method: 'POST',
        body: { name, description: 'Acme Corp', adminUsername },
      }),
    );
    expect(created.body).toMatchObject({
      name,
      description: 'Acme Corp',
      adminUsername,
      counts: { catalogs: 0, warehouses: 0, users: 1 },
    });
    const password = created.body.generatedPassword as string;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const signed = await signInWithPassword({
      username: adminUsername,
      password,
      request: { ip: '10.3.3.3', userAgent: 'vitest', requestId: 'x' },
    });
    expect(signed.user.role).toBe('tenant_admin');

    // Shown once: reading the tenant again never includes it.
    const again = await documented(
      'get',
      '/api/v1/tenants/{id}',
      await call(tenantRoute.GET, `/api/v1/tenants/${created.body.id}`, { as: root, params: { id: created.body.id } }),
    );
    expect(again.text).not.toContain(password);
    expect(again.body.admins).toEqual([{ id: expect.any(String), username: adminUsername }]);

    const listed = await documented(
      'get',
      '/api/v1/tenants',
      await call(tenantsRoute.GET, `/api/v1/tenants?q=${name}`, { as: root }),
    );
    expect(listed.body.rows.map((r: { name: string }) => r.name)).toEqual([name]);
    expect(listed.text).not.toContain(password);

    const dup = await call(tenantsRoute.POST, '/api/v1/tenants', {
      as: root,
      method: 'POST',
      body: { name, adminUsername: uniqueName('other') },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'conflict', message: `A tenant named "${name}" already exists` });

    const takenAdmin = await call(tenantsRoute.POST, '/api/v1/tenants', {
      as: root,
      method: 'POST',
      body: { name: uniqueName('t'), adminUsername },
    });
    expect(takenAdmin.status).toBe(409);
    expect(takenAdmin.body.error.fields).toEqual({ adminUsername: ['This username is already taken'] });
  });

  it('updates a tenant, and refuses to delete one that owns catalogs unless the cascade is confirmed by name', async () => {
    const w = await catalogTenant();
    const root = await signedIn('root', null);
    const id = w.tenant.id;
    const updated = await documented(
      'put',
      '/api/v1/tenants/{id}',
      await call(tenantRoute.PUT, `/api/v1/tenants/${id}`, {
        as: root,
        method: 'PUT',
        params: { id },
        body: { description: 'Renamed division', properties: { region: 'eu' } },
      }),
    );
    expect(updated.body).toMatchObject({ description: 'Renamed division', properties: { region: 'eu' } });

    const refused = await call(tenantRoute.DELETE, `/api/v1/tenants/${id}`, {
      as: root,
      method: 'DELETE',
      params: { id },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `Tenant "${w.tenant.name}" still owns 1 catalog; delete them first, or confirm a cascading delete`,
    );
    const wrong = await call(tenantRoute.DELETE, `/api/v1/tenants/${id}?cascade=true&confirmation=nope`, {
      as: root,
      method: 'DELETE',
      params: { id },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields).toEqual({ confirmation: ['Does not match the tenant name'] });
    const db = await getDb();
    expect(await db.$count(tenants, eq(tenants.id, id))).toBe(1);

    await documented(
      'delete',
      '/api/v1/tenants/{id}',
      await call(tenantRoute.DELETE, `/api/v1/tenants/${id}?cascade=true&confirmation=${w.tenant.name}`, {
        as: root,
        method: 'DELETE',
        params: { id },
      }),
    );
    expect(await db.$count(tenants, eq(tenants.id, id))).toBe(0);
    expect(await db.$count(catalogs, eq(catalogs.tenantId, id))).toBe(0);
    expect(await db.$count(users, eq(users.tenantId, id))).toBe(0);
  });

  it('is Root-only, and unknown or malformed tenant ids are not found', async () => {
    const w = await catalogTenant({ tables: 0 });
    const list = await call(tenantsRoute.GET, '/api/v1/tenants', { as: w.adminApi });
    expect(list.status).toBe(403);
    expect(list.body.error).toEqual({ code: 'forbidden', message: 'Only Root may do this' });
    const create = await call(tenantsRoute.POST, '/api/v1/tenants', {
      as: w.adminApi,
      method: 'POST',
      body: { name: uniqueName('x'), adminUsername: uniqueName('y') },
    });
    expect(create.status).toBe(403);
    const root = await signedIn('root', null);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' OR '1'='1"]) {
      const r = await call(tenantRoute.GET, `/api/v1/tenants/${encodeURIComponent(id)}`, { as: root, params: { id } });
      expect(r.status).toBe(404);
      expect(r.body.error).toEqual({ code: 'not_found', message: 'Tenant was not found' });
    }
    const anon = await call(tenantsRoute.GET, '/api/v1/tenants');
    expect(anon.status).toBe(401);
  });
});

describe('warehouses over /api/v1', () => {
  it('creates S3, Azure, GCS and local warehouses, listing and filtering them, never answering a secret', async () => {
    const w = await catalogTenant({ tables: 0 });
    const secrets = [
      'azure-account-key-123',
      'sv=2024&sig=sas-secret',
      '{"type":"service_account","private_key":"gcs-secret"}',
    ];
    const bodies = [
      {
        name: 'blob',
        storageType: 'azure',
        container: 'data',
        accountName: 'acct',
        accountKey: secrets[0],
        sasToken: secrets[1],
        vendingStrategy: 'sas',
      },
      {
        name: 'gcs-lake',
        storageType: 'gcs',
        bucket: 'gbucket',
        serviceAccountJson: secrets[2],
        vendingStrategy: 'downscoped',
      },
      { name: 'dev', storageType: 'local', rootPath: 'dev' },
      {
        name: 'minio',
        storageType: 's3',
        bucket: 'm',
        endpoint: 'http://minio:9000',
        pathStyle: true,
        region: 'us-east-1',
      },
    ];
    const texts: string[] = [];
    for (const body of bodies) {
      const r = await documented(
        'post',
        '/api/v1/warehouses',
        await call(warehousesRoute.POST, '/api/v1/warehouses', { as: w.adminApi, method: 'POST', body }),
      );
      texts.push(r.text);
      expect(r.body.name).toBe(body.name);
    }
    const blob = await documented(
      'get',
      '/api/v1/warehouses/{warehouse}',
      await call(warehouseRoute.GET, '/api/v1/warehouses/blob', { as: w.adminApi, params: { warehouse: 'blob' } }),
    );
    expect(blob.body).toMatchObject({
      storageType: 'azure',
      storageConfig: { container: 'data', accountName: 'acct' },
      vendingStrategy: 'sas',
      storedSecretFields: ['accountKey', 'sasToken'],
    });
    texts.push(blob.text);
    const minio = await call(warehouseRoute.GET, '/api/v1/warehouses/minio', {
      as: w.adminApi,
      params: { warehouse: 'minio' },
    });
    expect(minio.body.storageConfig).toEqual({
      bucket: 'm',
      endpoint: 'http://minio:9000',
      pathStyle: true,
      region: 'us-east-1',
    });

    const all = await documented(
      'get',
      '/api/v1/warehouses',
      await call(warehousesRoute.GET, '/api/v1/warehouses?sort=name&dir=desc', { as: w.adminApi }),
    );
    expect(all.body.rows.map((r: { name: string }) => r.name)).toEqual(['minio', 'lake', 'gcs-lake', 'dev', 'blob']);
    expect(all.body.rows.find((r: { name: string }) => r.name === 'lake')).toMatchObject({
      location: 's3://lake-bucket (eu-west-1)',
      catalogCount: 1,
    });
    const s3 = await call(warehousesRoute.GET, '/api/v1/warehouses?storageType=s3', { as: w.adminApi });
    expect(s3.body.rows.map((r: { name: string }) => r.name)).toEqual(['lake', 'minio']);
    const paged = await call(warehousesRoute.GET, '/api/v1/warehouses?limit=2', { as: w.adminApi });
    const next = await call(warehousesRoute.GET, `/api/v1/warehouses?limit=2&cursor=${paged.body.nextCursor}`, {
      as: w.adminApi,
    });
    expect([...paged.body.rows, ...next.body.rows].map((r: { name: string }) => r.name)).toEqual([
      'blob',
      'dev',
      'gcs-lake',
      'lake',
    ]);
    expect(paged.body.total).toBe(5);
    texts.push(all.text);
    for (const t of texts) for (const s of [...secrets, w.secret]) expect(t).not.toContain(s);
  });

  it('needs the storage fields of its type, and says which', async () => {
    const w = await catalogTenant({ tables: 0 });
    const cases: [object, string, string][] = [
      [{ name: 'a', storageType: 's3' }, 'bucket', 'Bucket is required for s3 storage'],
      [
        { name: 'a', storageType: 'azure', container: 'c' },
        'accountName',
        'Account name is required for azure storage',
      ],
      [
        { name: 'a', storageType: 'local', rootPath: '/var/lib' },
        'rootPath',
        "Root path must be a folder inside this tenant's storage folder (relative, such as lake/raw), not an absolute path",
      ],
      [{ name: 'a', storageType: 'ftp' }, 'storageType', 'Storage type must be one of s3, azure, gcs or local'],
      [
        { name: 'a', storageType: 's3', bucket: 'b', endpoint: 'not a url' },
        'endpoint',
        'Endpoint must be a full URL such as https://s3.example.com',
      ],
    ];
    for (const [body, field, message] of cases) {
      const r = await call(warehousesRoute.POST, '/api/v1/warehouses', { as: w.adminApi, method: 'POST', body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.fields[field]).toEqual([message]);
    }
    const db = await getDb();
    expect(await db.$count(warehouses, eq(warehouses.tenantId, w.tenant.id))).toBe(1);
  });

  it('keeps blank secret fields on update, replaces filled ones one by one, and refuses to delete a warehouse in use', async () => {
    const w = await catalogTenant({ tables: 0 });
    const base = { name: 'lake', storageType: 's3', bucket: 'lake-bucket', region: 'eu-central-1' };
    const kept = await documented(
      'put',
      '/api/v1/warehouses/{warehouse}',
      await call(warehouseRoute.PUT, '/api/v1/warehouses/lake', {
        as: w.adminApi,
        method: 'PUT',
        params: { warehouse: 'lake' },
        body: base,
      }),
    );
    expect(kept.body).toMatchObject({
      storageConfig: { region: 'eu-central-1' },
      storedSecretFields: ['accessKeyId', 'secretAccessKey'],
    });
    const db = await getDb();
    const { decryptSecret } = await import('@/lib/crypto');
    const stored = async () =>
      JSON.parse(
        decryptSecret(
          (await db.select().from(warehouses).where(eq(warehouses.id, w.warehouseId)))[0].credentialsEncrypted!,
        ),
      );
    expect(await stored()).toEqual({ accessKeyId: 'AKIATEST', secretAccessKey: w.secret });
    await call(warehouseRoute.PUT, '/api/v1/warehouses/lake', {
      as: w.adminApi,
      method: 'PUT',
      params: { warehouse: 'lake' },
      body: { ...base, secretAccessKey: 'rotated-secret' },
    });
    expect(await stored()).toEqual({ accessKeyId: 'AKIATEST', secretAccessKey: 'rotated-secret' });
    const cleared = await call(warehouseRoute.PUT, '/api/v1/warehouses/lake', {
      as: w.adminApi,
      method: 'PUT',
      params: { warehouse: 'lake' },
      body: { ...base, clearCredentials: true },
    });
    expect(cleared.body.storedSecretFields).toEqual([]);

    const inUse = await call(warehouseRoute.DELETE, '/api/v1/warehouses/lake', {
      as: w.adminApi,
      method: 'DELETE',
      params: { warehouse: 'lake' },
    });
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toBe('Warehouse "lake" is used by 1 catalog; move or delete them first');
    const idInBody = await call(warehouseRoute.PUT, '/api/v1/warehouses/lake', {
      as: w.adminApi,
      method: 'PUT',
      params: { warehouse: 'lake' },
      body: { ...base, id: w.warehouseId },
    });
    expect(idInBody.status).toBe(422);
    expect(idInBody.body.error.message).toBe('id comes from the URL and must not be in the body');

    await call(warehousesRoute.POST, '/api/v1/warehouses', {
      as: w.adminApi,
      method: 'POST',
      body: { name: 'spare', storageType: 'local', rootPath: 'spare' },
    });
    await documented(
      'delete',
      '/api/v1/warehouses/{warehouse}',
      await call(warehouseRoute.DELETE, '/api/v1/warehouses/spare', {
        as: w.adminApi,
        method: 'DELETE',
        params: { warehouse: 'spare' },
      }),
    );
    expect(await db.$count(warehouses, and(eq(warehouses.tenantId, w.tenant.id), eq(warehouses.name, 'spare')))).toBe(
      0,
    );
  });

  it('is tenant configuration: a TenantUser without grants is refused, Root must pick a tenant', async () => {
    const w = await catalogTenant({ tables: 0 });
    const r = await call(warehousesRoute.GET, '/api/v1/warehouses', { as: w.userApi });
    expect(r.status).toBe(403);
    const root = await signedIn('root', null);
    const none = await call(warehousesRoute.GET, '/api/v1/warehouses', { as: root });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/Select a tenant first/);
    const chosen = await call(warehousesRoute.GET, '/api/v1/warehouses', { as: { ...root, tenant: w.tenant.name } });
    expect(chosen.body.rows.map((x: { name: string }) => x.name)).toEqual(['lake']);
  });
});

describe('catalogs over /api/v1', () => {
  it("binds a local catalog created without a warehouse to the tenant's default one, and says so when there is none", async () => {
    const w = await catalogTenant({ tables: 0 });
    const none = await call(catalogsRoute.POST, '/api/v1/catalogs', {
      as: w.adminApi,
      method: 'POST',
      body: { catalogType: 'local', name: 'nowhere' },
    });
    expect(none.status).toBe(422);
    expect(none.body.error).toMatchObject({
      message: 'Choose a warehouse: this tenant has no default warehouse',
      fields: { warehouse: ['Choose a warehouse'] },
    });

    const db = await getDb();
    const [lake] = await db
      .select({ id: warehouses.id })
      .from(warehouses)
      .where(and(eq(warehouses.tenantId, w.tenant.id), eq(warehouses.name, 'lake')));
    const set = await call(settingsRoute.PUT, '/api/v1/config/settings', {
      as: w.adminApi,
      method: 'PUT',
      body: { defaultWarehouseId: lake.id },
    });
    expect(set.status, set.text).toBe(200);
    const created = await call(catalogsRoute.POST, '/api/v1/catalogs', {
      as: w.adminApi,
      method: 'POST',
      body: { catalogType: 'local', name: 'defaulted', warehouse: '' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      name: 'defaulted',
      warehouse: { name: 'lake' },
      storageLocation: 's3://lake-bucket/defaulted',
    });
    expect(await db.$count(catalogs, and(eq(catalogs.tenantId, w.tenant.id), eq(catalogs.name, 'nowhere')))).toBe(0);
  });

  it('creates local and federated catalogs, lists, filters, summarises, updates and deletes them', async () => {
    const w = await catalogTenant({ tables: 2 });
    const local = await documented(
      'post',
      '/api/v1/catalogs',
      await call(catalogsRoute.POST, '/api/v1/catalogs', {
        as: w.adminApi,
        method: 'POST',
        body: { catalogType: 'local', name: 'finance', warehouse: 'lake', properties: { owner: 'fin' } },
      }),
    );
    expect(local.body).toMatchObject({
      name: 'finance',
      storageLocation: 's3://lake-bucket/finance',
      warehouse: { name: 'lake' },
      remote: null,
    });
    const fed = await documented(
      'post',
      '/api/v1/catalogs',
      await call(catalogsRoute.POST, '/api/v1/catalogs', {
        as: w.adminApi,
        method: 'POST',
        body: {
          catalogType: 'federated',
          name: 'partner',
          url: 'https://iceberg.partner.example/',
          authType: 'bearer',
          token: 'remote-token-secret',
        },
      }),
    );
    expect(fed.body.remote).toEqual({
      url: 'https://iceberg.partner.example',
      authType: 'bearer',
      warehouse: null,
      clientId: null,
      hasStoredSecret: true,
    });
    expect(fed.text).not.toContain('remote-token-secret');

    const dup = await call(catalogsRoute.POST, '/api/v1/catalogs', {
      as: w.adminApi,
      method: 'POST',
      body: { catalogType: 'local', name: 'finance', warehouse: 'lake' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields).toEqual({ name: ['This name is already taken'] });
    const noWarehouse = await call(catalogsRoute.POST, '/api/v1/catalogs', {
      as: w.adminApi,
      method: 'POST',
      body: { catalogType: 'local', name: 'x', warehouse: 'nope' },
    });
    expect(noWarehouse.status).toBe(404);
    expect(noWarehouse.body.error.message).toBe('Warehouse "nope" was not found');
    const credsInUrl = await call(catalogsRoute.POST, '/api/v1/catalogs', {
      as: w.adminApi,
      method: 'POST',
      body: { catalogType: 'federated', name: 'y', url: 'https://user:pw@remote.example' },
    });
    expect(credsInUrl.status).toBe(422);
    expect(credsInUrl.body.error.fields.url).toEqual([
      'URL must not contain a user name or password; use the token fields',
    ]);

    const list = await documented(
      'get',
      '/api/v1/catalogs',
      await call(catalogsRoute.GET, '/api/v1/catalogs', { as: w.adminApi }),
    );
    expect(list.body.rows.map((r: { name: string }) => r.name)).toEqual(['finance', 'partner', 'sales']);
    const onlyFed = await call(catalogsRoute.GET, '/api/v1/catalogs?type=federated', { as: w.adminApi });
    expect(onlyFed.body.rows).toEqual([
      expect.objectContaining({ name: 'partner', location: 'https://iceberg.partner.example', warehouseName: null }),
    ]);

    const summary = await documented(
      'get',
      '/api/v1/catalogs/{catalog}/summary',
      await call(summaryRoute.GET, '/api/v1/catalogs/sales/summary', { as: w.adminApi, params: { catalog: 'sales' } }),
    );
    expect(summary.body).toMatchObject({
      namespaces: 3,
      tables: 2,
      views: 0,
      branches: 1,
      lastCommit: { message: 'Create table emea.retail.orders_001', branchName: 'main' },
    });

    const updated = await documented(
      'put',
      '/api/v1/catalogs/{catalog}',
      await call(catalogRoute.PUT, '/api/v1/catalogs/finance', {
        as: w.adminApi,
        method: 'PUT',
        params: { catalog: 'finance' },
        body: { storageLocation: 's3://lake-bucket/fin2', properties: { owner: 'cfo' } },
      }),
    );
    expect(updated.body).toMatchObject({ storageLocation: 's3://lake-bucket/fin2', properties: { owner: 'cfo' } });
    const localRemote = await call(catalogRoute.PUT, '/api/v1/catalogs/finance', {
      as: w.adminApi,
      method: 'PUT',
      params: { catalog: 'finance' },
      body: { url: 'https://x.example' },
    });
    expect(localRemote.status).toBe(422);
    const newToken = await call(catalogRoute.PUT, '/api/v1/catalogs/partner', {
      as: w.adminApi,
      method: 'PUT',
      params: { catalog: 'partner' },
      body: { remoteWarehouse: 'prod' },
    });
    expect(newToken.body.remote).toMatchObject({ warehouse: 'prod', hasStoredSecret: true });

    const nonEmpty = await call(catalogRoute.DELETE, '/api/v1/catalogs/sales', {
      as: w.adminApi,
      method: 'DELETE',
      params: { catalog: 'sales' },
    });
    expect(nonEmpty.status).toBe(409);
    expect(nonEmpty.body.error.message).toBe(
      'Catalog "sales" still has 3 namespaces; empty it first, or confirm a cascading delete',
    );
    await documented(
      'delete',
      '/api/v1/catalogs/{catalog}',
      await call(catalogRoute.DELETE, '/api/v1/catalogs/sales?cascade=true&confirmation=sales', {
        as: w.adminApi,
        method: 'DELETE',
        params: { catalog: 'sales' },
      }),
    );
    const gone = await call(catalogRoute.GET, '/api/v1/catalogs/sales', {
      as: w.adminApi,
      params: { catalog: 'sales' },
    });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe('Catalog "sales" was not found');
  });

  it('shows a TenantUser only the catalogs it has a grant in (and nothing it may not change)', async () => {
    const w = await catalogTenant({ tables: 0 });
    const hidden = await call(catalogsRoute.GET, '/api/v1/catalogs', { as: w.userApi });
    expect(hidden.status).toBe(200);
    expect(hidden.body.rows).toEqual([]);
    const denied = await call(catalogRoute.GET, '/api/v1/catalogs/sales', {
      as: w.userApi,
      params: { catalog: 'sales' },
    });
    expect(denied.status).toBe(403);
    const db = await getDb();
    const { permissions } = await import('@/db/schema');
    await db.insert(permissions).values({
      tenantId: w.tenant.id,
      userId: w.user.id,
      scopeType: 'catalog',
      catalogId: w.catalogId,
      actions: ['read'],
    });
    const user2 = await signedIn('tenant_user', w.tenant.id);
    await db.insert(permissions).values({
      tenantId: w.tenant.id,
      userId: user2.userId,
      scopeType: 'catalog',
      catalogId: w.catalogId,
      actions: ['read'],
    });
    const seen = await call(catalogRoute.GET, '/api/v1/catalogs/sales', { as: user2, params: { catalog: 'sales' } });
    expect(seen.status).toBe(200);
    expect(seen.body.may).toEqual({ update: false, delete: false, createNamespace: false });
    const create = await call(catalogsRoute.POST, '/api/v1/catalogs', {
      as: user2,
      method: 'POST',
      body: { catalogType: 'local', name: 'mine', warehouse: 'lake' },
    });
    expect(create.status).toBe(403);
    const del = await call(catalogRoute.DELETE, '/api/v1/catalogs/sales', {
      as: user2,
      method: 'DELETE',
      params: { catalog: 'sales' },
    });
    expect(del.status).toBe(403);
  });

  it('answers a service user authenticated by X-API-Key within its grants', async () => {
    const w = await catalogTenant({ tables: 0 });
    const { createServiceUser } = await import('@/lib/governance/service-users');
    const { executeMutation } = await import('@/lib/mutation');
    const su = (await executeMutation(createServiceUser, w.admin, { name: 'etl-bot', role: 'tenant_user' })).data as {
      id: string;
      apiKey: string;
    };
    const db = await getDb();
    const { permissions } = await import('@/db/schema');
    await db.insert(permissions).values({
      tenantId: w.tenant.id,
      serviceUserId: su.id,
      scopeType: 'catalog',
      catalogId: w.catalogId,
      actions: ['read'],
    });
    const headers = { 'x-api-key': su.apiKey };
    const list = await call(catalogsRoute.GET, '/api/v1/catalogs', { headers });
    expect(list.status).toBe(200);
    expect(list.body.rows.map((r: { name: string }) => r.name)).toEqual(['sales']);
    const write = await call(catalogRoute.PUT, '/api/v1/catalogs/sales', {
      headers,
      method: 'PUT',
      params: { catalog: 'sales' },
      body: { properties: {} },
    });
    expect(write.status).toBe(403);
    const bad = await call(catalogsRoute.GET, '/api/v1/catalogs', {
      headers: { 'x-api-key': `${su.apiKey.slice(0, -2)}xx` },
    });
    expect(bad.status).toBe(401);
  });
});
