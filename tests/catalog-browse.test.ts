import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { and, eq, sql } from 'drizzle-orm';
import { toPgArray } from '@/lib/catalog/lookup';
import { assetWords, permissions } from '@/db/schema';
import * as namespacesRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/route';
import * as treeRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/tree/route';
import * as namespaceRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/route';
import * as assetsRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/route';
import * as assetRoute from '@/app/api/v1/catalogs/[catalog]/namespaces/[ns]/assets/[asset]/route';
import * as searchRoute from '@/app/api/v1/search/assets/route';
import * as metadataRoute from '@/app/api/v1/assets/[id]/metadata/route';
import { executeMutation } from '@/lib/mutation';
import { dropAsset, renameAsset, updateAsset } from '@/lib/catalog/assets';
import { createBranch } from '@/lib/versioning/mutations';
import { prefixRange, preparedText, type SearchTuning } from '@/lib/catalog/queries/search';
import type { Actor } from '@/lib/actor';
import { call, catalogTenant, describeAsset, documented, signedIn } from './support/catalog';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('namespaces over /api/v1', () => {
  it('creates nested namespaces, lists levels, answers the tree, edits properties and deletes only empty ones', async () => {
    const w = await catalogTenant({ tables: 1 });
    const as = w.adminApi;
    const p = { catalog: 'sales' };
    const created = await documented(
      'post',
      '/api/v1/catalogs/{catalog}/namespaces',
      await call(namespacesRoute.POST, '/api/v1/catalogs/sales/namespaces', {
        as,
        method: 'POST',
        params: p,
        body: { namespace: ['emea', 'wholesale', 'bulk'], properties: { tier: 'gold' } },
      }),
    );
    expect(created.body).toMatchObject({
      path: ['emea', 'wholesale', 'bulk'],
      properties: { tier: 'gold' },
      childCount: 0,
      assetCount: 0,
    });
    const dotted = await call(namespacesRoute.POST, '/api/v1/catalogs/sales/namespaces', {
      as,
      method: 'POST',
      params: p,
      body: { namespace: 'apac.jp' },
    });
    expect(dotted.status).toBe(201);
    const dup = await call(namespacesRoute.POST, '/api/v1/catalogs/sales/namespaces', {
      as,
      method: 'POST',
      params: p,
      body: { namespace: 'apac.jp' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe('Namespace "apac.jp" already exists');

    const top = await documented(
      'get',
      '/api/v1/catalogs/{catalog}/namespaces',
      await call(namespacesRoute.GET, '/api/v1/catalogs/sales/namespaces', { as, params: p }),
    );
    expect(top.body.namespaces.map((n: { name: string; hasChildren: boolean }) => [n.name, n.hasChildren])).toEqual([
      ['apac', true],
      ['emea', true],
    ]);
    const children = await call(namespacesRoute.GET, '/api/v1/catalogs/sales/namespaces?parent=emea', {
      as,
      params: p,
    });
    expect(names(children.body.namespaces)).toEqual(['retail', 'wholesale']);
    const firstOnly = await call(namespacesRoute.GET, '/api/v1/catalogs/sales/namespaces?parent=emea&limit=1', {
      as,
      params: p,
    });
    expect(firstOnly.body.nextCursor).toBe('retail');
    const rest = await call(namespacesRoute.GET, '/api/v1/catalogs/sales/namespaces?parent=emea&limit=1&after=retail', {
      as,
      params: p,
    });
    expect(names(rest.body.namespaces)).toEqual(['wholesale']);
    expect(rest.body.nextCursor).toBeNull();

    const tree = await documented(
      'get',
      '/api/v1/catalogs/{catalog}/namespaces/tree',
      await call(treeRoute.GET, '/api/v1/catalogs/sales/namespaces/tree', { as, params: p }),
    );
    expect(tree.body.count).toBe(6);
    const emea = tree.body.tree.find((n: { name: string }) => n.name === 'emea');
    expect(emea.children.map((c: { name: string }) => c.name)).toEqual(['retail', 'wholesale']);
    expect(emea.children[1].children[0].path).toEqual(['emea', 'wholesale', 'bulk']);

    const ns = { catalog: 'sales', ns: 'emea.retail' };
    const detail = await documented(
      'get',
      '/api/v1/catalogs/{catalog}/namespaces/{ns}',
      await call(namespaceRoute.GET, '/api/v1/catalogs/sales/namespaces/emea.retail', { as, params: ns }),
    );
    expect(detail.body).toMatchObject({
      path: ['emea', 'retail'],
      properties: { owner: 'ana' },
      childCount: 0,
      assetCount: 1,
    });
    const viaSeparator = await call(namespaceRoute.GET, '/api/v1/catalogs/sales/namespaces/emea%1Fretail', {
      as,
      params: { catalog: 'sales', ns: 'emea%1Fretail' },
    });
    expect(viaSeparator.body.path).toEqual(['emea', 'retail']);

    const props = await documented(
      'put',
      '/api/v1/catalogs/{catalog}/namespaces/{ns}',
      await call(namespaceRoute.PUT, '/api/v1/catalogs/sales/namespaces/emea.retail', {
        as,
        method: 'PUT',
        params: ns,
        body: { updates: { steward: 'bo' }, removals: ['owner', 'absent'] },
      }),
    );
    expect(props.body).toEqual({ updated: ['steward'], removed: ['owner'], missing: ['absent'] });

    const notEmpty = await call(namespaceRoute.DELETE, '/api/v1/catalogs/sales/namespaces/emea.retail', {
      as,
      method: 'DELETE',
      params: ns,
    });
    expect(notEmpty.status).toBe(409);
    expect(notEmpty.body.error.message).toBe(
      'Namespace "emea.retail" is not empty: it has 1 table or view (across branches)',
    );
    const parent = await call(namespaceRoute.DELETE, '/api/v1/catalogs/sales/namespaces/emea.wholesale', {
      as,
      method: 'DELETE',
      params: { catalog: 'sales', ns: 'emea.wholesale' },
    });
    expect(parent.body.error.message).toBe('Namespace "emea.wholesale" is not empty: it has 1 child namespace');
    await documented(
      'delete',
      '/api/v1/catalogs/{catalog}/namespaces/{ns}',
      await call(namespaceRoute.DELETE, '/api/v1/catalogs/sales/namespaces/emea.wholesale.bulk', {
        as,
        method: 'DELETE',
        params: { catalog: 'sales', ns: 'emea.wholesale.bulk' },
      }),
    );
    const gone = await call(namespaceRoute.GET, '/api/v1/catalogs/sales/namespaces/emea.wholesale.bulk', {
      as,
      params: { catalog: 'sales', ns: 'emea.wholesale.bulk' },
    });
    expect(gone.status).toBe(404);
  });

  it('reaches a namespace literally named "tree" for updates and deletes', async () => {
    const w = await catalogTenant({ tables: 0 });
    await call(namespacesRoute.POST, '/api/v1/catalogs/sales/namespaces', {
      as: w.adminApi,
      method: 'POST',
      params: { catalog: 'sales' },
      body: { namespace: 'tree' },
    });
    const put = await call(treeRoute.PUT, '/api/v1/catalogs/sales/namespaces/tree', {
      as: w.adminApi,
      method: 'PUT',
      params: { catalog: 'sales' },
      body: { updates: { a: 'b' } },
    });
    expect(put.body).toEqual({ updated: ['a'], removed: [], missing: [] });
    const del = await call(treeRoute.DELETE, '/api/v1/catalogs/sales/namespaces/tree', {
      as: w.adminApi,
      method: 'DELETE',
      params: { catalog: 'sales' },
    });
    expect(del.body.deleted).toBe(true);
  });
});

describe('tables and views over /api/v1', () => {
  it('lists a namespace with keyset pages, both sort orders, and name and type filters', async () => {
    const w = await catalogTenant({ tables: 5 });
    const as = w.adminApi;
    const params = { catalog: 'sales', ns: 'emea.retail' };
    const url = '/api/v1/catalogs/sales/namespaces/emea.retail/assets';
    await documented(
      'post',
      '/api/v1/catalogs/{catalog}/namespaces/{ns}/assets',
      await call(assetsRoute.POST, url, {
        as,
        method: 'POST',
        params,
        body: {
          name: 'daily_orders',
          assetType: 'view',
          metadataLocation: 's3://lake-bucket/sales/views/daily.metadata.json',
        },
      }),
    );
    const dup = await call(assetsRoute.POST, url, { as, method: 'POST', params, body: { name: 'daily_orders' } });
    expect(dup.status).toBe(409);

    const first = await documented(
      'get',
      '/api/v1/catalogs/{catalog}/namespaces/{ns}/assets',
      await call(assetsRoute.GET, `${url}?limit=2`, { as, params }),
    );
    expect(names(first.body.rows)).toEqual(['daily_orders', 'orders_000']);
    expect(first.body).toMatchObject({ total: 6, totalCapped: false });
    const pages = [...first.body.rows];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await call(assetsRoute.GET, `${url}?limit=2&cursor=${cursor}`, { as, params });
      pages.push(...next.body.rows);
      cursor = next.body.nextCursor;
    }
    expect(names(pages)).toEqual([
      'daily_orders',
      'orders_000',
      'orders_001',
      'orders_002',
      'orders_003',
      'orders_004',
    ]);

    const desc = await call(assetsRoute.GET, `${url}?dir=desc&limit=3`, { as, params });
    expect(names(desc.body.rows)).toEqual(['orders_004', 'orders_003', 'orders_002']);
    const descNext = await call(assetsRoute.GET, `${url}?dir=desc&limit=3&cursor=${desc.body.nextCursor}`, {
      as,
      params,
    });
    expect(names(descNext.body.rows)).toEqual(['orders_001', 'orders_000', 'daily_orders']);

    // Touch orders_001 so it becomes the most recently changed.
    await executeMutation(updateAsset, w.admin, {
      catalog: 'sales',
      namespace: 'emea.retail',
      name: 'orders_001',
      metadataLocation: 's3://lake-bucket/sales/orders_1/v2.metadata.json',
    });
    const byChange = await call(assetsRoute.GET, `${url}?sort=updatedAt&dir=desc&limit=1`, { as, params });
    expect(names(byChange.body.rows)).toEqual(['orders_001']);
    const byChangeNext = await call(
      assetsRoute.GET,
      `${url}?sort=updatedAt&dir=desc&limit=10&cursor=${byChange.body.nextCursor}`,
      { as, params },
    );
    expect(byChangeNext.body.rows).toHaveLength(5);
    expect(names(byChangeNext.body.rows)).not.toContain('orders_001');

    const filtered = await call(assetsRoute.GET, `${url}?q=ORDERS_00&type=table`, { as, params });
    expect(filtered.body.total).toBe(5);
    const views = await call(assetsRoute.GET, `${url}?type=view`, { as, params });
    expect(names(views.body.rows)).toEqual(['daily_orders']);
    const literal = await call(assetsRoute.GET, `${url}?q=${encodeURIComponent('%')}`, { as, params });
    expect(literal.body.total).toBe(0);
    const badCursor = await call(assetsRoute.GET, `${url}?cursor=garbage`, { as, params });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toBe('The page cursor is not valid; start again from the first page');
    const noBranch = await call(assetsRoute.GET, `${url}?branch=nope`, { as, params });
    expect(noBranch.status).toBe(404);
    expect(noBranch.body.error.message).toBe('Branch "nope" was not found');
  });

  it('refuses a listing of what is not there (404) or hidden (403), and shows a TenantUser only what it may see', async () => {
    const w = await catalogTenant({ tables: 3 });
    const get = (catalog: string, ns: string, as = w.adminApi) =>
      call(assetsRoute.GET, `/api/v1/catalogs/${catalog}/namespaces/${ns}/assets`, { as, params: { catalog, ns } });
    const noCatalog = await get('nope', 'emea.retail');
    expect([noCatalog.status, noCatalog.body.error.message]).toEqual([404, 'Catalog "nope" was not found']);
    const noNamespace = await get('sales', 'emea.nope');
    expect([noNamespace.status, noNamespace.body.error.message]).toEqual([404, 'Namespace "emea.nope" was not found']);
    const byId = await get(w.catalogId, 'emea.retail');
    expect(names(byId.body.rows)).toEqual(['orders_000', 'orders_001', 'orders_002']);

    // A TenantUser without grants sees neither the catalog nor its namespaces.
    const hidden = await get('sales', 'emea.retail', w.userApi);
    expect([hidden.status, hidden.body.error.message]).toEqual([403, 'You have no access to catalog "sales"']);
    expect(hidden.text).not.toContain('orders_00');
    // With a grant on one table it sees the catalog and the way down to the table, and only that table.
    const db = await getDb();
    const user = await signedIn('tenant_user', w.tenant.id);
    await db.insert(permissions).values({
      tenantId: w.tenant.id,
      userId: user.userId,
      scopeType: 'asset',
      catalogId: w.catalogId,
      assetId: w.assetIds[1],
      actions: ['read'],
    });
    const one = await get('sales', 'emea.retail', user);
    expect(one.status).toBe(200);
    expect(names(one.body.rows)).toEqual(['orders_001']);
    expect(one.body).toMatchObject({ total: 1, totalCapped: false, nextCursor: null });
    // Another namespace holds none of its tables: it is hidden like the catalog was, and no rows come back.
    const other = await get('sales', 'apac', user);
    expect(other.status).toBe(403);
    expect(other.body.rows).toBeUndefined();
    // The page is read beside the target's lookup, but the target's refusal is what is answered.
    const otherPaged = await call(
      assetsRoute.GET,
      '/api/v1/catalogs/sales/namespaces/apac/assets?cursor=garbage&limit=1',
      { as: user, params: { catalog: 'sales', ns: 'apac' } },
    );
    expect([otherPaged.status, otherPaged.text.includes('orders_00')]).toEqual([403, false]);
    const missingPaged = await call(
      assetsRoute.GET,
      '/api/v1/catalogs/sales/namespaces/emea.nope/assets?cursor=garbage',
      { as: w.adminApi, params: { catalog: 'sales', ns: 'emea.nope' } },
    );
    expect(missingPaged.status).toBe(404);
    // The namespace list and tree show the way down to the granted table, not the namespace beside it.
    const p = { catalog: 'sales' };
    const top = await call(namespacesRoute.GET, '/api/v1/catalogs/sales/namespaces', { as: user, params: p });
    expect(top.status).toBe(200);
    expect(JSON.stringify(top.body)).toContain('emea');
    expect(JSON.stringify(top.body)).not.toContain('apac');
    const tree = await call(treeRoute.GET, '/api/v1/catalogs/sales/namespaces/tree', { as: user, params: p });
    expect(tree.status).toBe(200);
    expect(tree.text).toContain('retail');
    expect(tree.text).not.toContain('apac');
  });

  it('answers an asset by name or id, with its metadata location, and not from another namespace', async () => {
    const w = await catalogTenant({ tables: 1 });
    const as = w.adminApi;
    const byName = await documented(
      'get',
      '/api/v1/catalogs/{catalog}/namespaces/{ns}/assets/{asset}',
      await call(assetRoute.GET, '/api/v1/catalogs/sales/namespaces/emea.retail/assets/orders_000', {
        as,
        params: { catalog: 'sales', ns: 'emea.retail', asset: 'orders_000' },
      }),
    );
    expect(byName.body).toMatchObject({
      assetId: w.assetIds[0],
      namespacePath: ['emea', 'retail'],
      branch: { name: 'main' },
      onBranches: ['main'],
      state: {
        metadataLocation: 's3://lake-bucket/sales/orders_0/v1.metadata.json',
        lastCommit: { message: 'Create table emea.retail.orders_000' },
      },
      may: { read: true, editMetadata: true, update: true, delete: true },
    });
    const byId = await call(assetRoute.GET, '/x', {
      as,
      params: { catalog: 'sales', ns: 'emea.retail', asset: w.assetIds[0] },
    });
    expect(byId.body.name).toBe('orders_000');
    const elsewhere = await call(assetRoute.GET, '/x', {
      as,
      params: { catalog: 'sales', ns: 'apac', asset: w.assetIds[0] },
    });
    expect(elsewhere.status).toBe(404);
    const missing = await call(assetRoute.GET, '/x', {
      as,
      params: { catalog: 'sales', ns: 'emea.retail', asset: 'nope' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Table or view "emea.retail.nope" on branch "main" was not found');
  });
});

describe('search statements as text', () => {
  it('carry strings as parameters, write numbers and booleans in, and refuse anything else', () => {
    const inner = sql`b.name ILIKE ${"o'brien%"} AND b.n >= ${3}`;
    const q = sql`SELECT 1 FROM assets b WHERE ${inner} AND b.ok = ${true} AND b.id = ${'x'} LIMIT ${[25]}`;
    const out = preparedText(sql`${q} AND b.words && $words::text[]`);
    expect(out.text).toBe(
      'SELECT 1 FROM assets b WHERE b.name ILIKE $1 AND b.n >= 3 AND b.ok = true AND b.id = $2 LIMIT (25) AND b.words && $3::text[]',
    );
    expect(out.args).toEqual(["o'brien%", 'x']);
    // A negative number written into `x - ${n}` would read as `x --5`: a comment. Not a number, null, objects: refused.
    for (const bad of [-5, Number.NaN, Number.POSITIVE_INFINITY, null, { a: 1 }, new Date(0)]) {
      expect(() => preparedText(sql`SELECT x - ${bad} FROM (SELECT ${sql`${[1, bad]}`}) t`)).toThrow(
        /cannot be written in/,
      );
    }
  });

  it('are prepared once per connection and run on their generic plan, at most 64 kept', async () => {
    const db = await getDb();
    await db.transaction(async (tx) => {
      // One transaction: one connection, which keeps what the function prepared.
      const run = async (q: { text: string; args: string[] }) =>
        (
          await tx.execute<{ r: unknown }>(
            sql`SELECT t.r FROM pangolin_search_assets(NULL, NULL, 0, NULL, NULL, ${q.text}, ${toPgArray(q.args)}::text[]) AS t(r)`,
          )
        ).rows.map((row) => row.r);
      const shape = (tag: string) => preparedText(sql`SELECT ${tag}::text AS v, ${3} AS n, ${"o'brien"}::text AS w`);
      for (const tag of ['a', 'b', 'c']) expect(await run(shape(tag))).toEqual([{ v: tag, n: 3, w: "o'brien" }]);
      const plans = async () =>
        (
          await tx.execute<{ generic: string; custom: string }>(
            sql`SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements WHERE name LIKE 'pangolin\_search\_%'`,
          )
        ).rows;
      // Three calls of one shape: one statement, planned once (generic), never per call (custom).
      expect((await plans()).map((p) => [Number(p.generic), Number(p.custom)])).toEqual([[3, 0]]);
      for (let i = 0; i < 70; i++) await run(preparedText(sql`SELECT ${'x'}::text AS v, ${i} AS n`));
      expect((await plans()).length).toBe(64);
    });
  });

  it('match a prefix as a range that holds exactly the strings beginning with it', async () => {
    const db = await getDb();
    const words = [
      'ord',
      'orda',
      'order',
      'ordz',
      'ordé',
      'ord\u{10FFFF}x',
      'ore',
      'orc',
      'or',
      'z\u{10FFFF}',
      'z\u{10FFFF}a',
      'zz',
    ];
    for (const prefix of ['ord', 'or', 'z\u{10FFFF}', '\u{10FFFF}', 'é']) {
      const { rows } = await db.execute<{ w: string }>(
        sql`SELECT w FROM unnest(${toPgArray(words)}::text[]) AS t(w) WHERE ${prefixRange(sql`(w COLLATE "C")`, prefix)} ORDER BY w COLLATE "C"`,
      );
      expect(
        rows.map((r) => r.w),
        prefix,
      ).toEqual(words.filter((w) => w.startsWith(prefix)).sort((x, y) => (Buffer.from(x) < Buffer.from(y) ? -1 : 1)));
    }
  });
});

describe('search and business metadata over /api/v1', () => {
  it('finds assets by name prefix, description words and tags, tenant-wide, page by page', async () => {
    const w = await catalogTenant({ tables: 4 });
    await describeAsset(w.admin, w.assetIds[0], 'Customer orders from the retail web shop', ['pii', 'gold']);
    await describeAsset(w.admin, w.assetIds[1], 'Refunds issued by customer service', ['finance']);
    await describeAsset(w.admin, w.assetIds[2], 'Shipments', ['gold']);
    const as = w.adminApi;
    const find = async (qs: string) => (await call(searchRoute.GET, `/api/v1/search/assets?${qs}`, { as })).body;

    const prefix = await documented(
      'get',
      '/api/v1/search/assets',
      await call(searchRoute.GET, '/api/v1/search/assets?q=ORDERS_00', { as }),
    );
    expect(names(prefix.body.rows)).toEqual(['orders_000', 'orders_001', 'orders_002', 'orders_003']);
    expect(prefix.body.rows[0]).toMatchObject({
      catalogName: 'sales',
      namespacePath: ['emea', 'retail'],
      tags: ['pii', 'gold'],
      description: 'Customer orders from the retail web shop',
    });
    expect(names((await find('q=custom')).rows)).toEqual(['orders_000', 'orders_001']);
    expect(names((await find('q=retail%20shop')).rows)).toEqual(['orders_000']);
    expect(names((await find('q=gold')).rows)).toEqual(['orders_000', 'orders_002']);
    expect(names((await find('tag=gold&q=ship')).rows)).toEqual(['orders_002']);
    expect(names((await find('tag=finance')).rows)).toEqual(['orders_001']);
    expect((await find('q=%3Cscript%3E')).rows).toEqual([]);
    expect((await find("q=x'%20OR%201=1--")).rows).toEqual([]);

    const p1 = await find('q=orders&limit=3');
    expect(p1.total).toBe(4);
    const p2 = await find(`q=orders&limit=3&cursor=${p1.nextCursor}`);
    expect(names([...p1.rows, ...p2.rows])).toEqual(['orders_000', 'orders_001', 'orders_002', 'orders_003']);
    expect(p2.nextCursor).toBeNull();
    expect((await find('catalog=sales&type=view')).rows).toEqual([]);
    const unknownCatalog = await call(searchRoute.GET, '/api/v1/search/assets?catalog=nope', { as });
    expect(unknownCatalog.status).toBe(404);
  });

  it('reads, sets and clears business metadata; a TenantUser needs a grant to change it and discoverable assets show up for everyone', async () => {
    const w = await catalogTenant({ tables: 2 });
    const id = w.assetIds[0];
    const params = { id };
    const empty = await documented(
      'get',
      '/api/v1/assets/{id}/metadata',
      await call(metadataRoute.GET, `/api/v1/assets/${id}/metadata`, { as: w.adminApi, params }),
    );
    expect(empty.body).toMatchObject({ assetId: id, description: null, tags: [], discoverable: false });
    const set = await documented(
      'post',
      '/api/v1/assets/{id}/metadata',
      await call(metadataRoute.POST, `/api/v1/assets/${id}/metadata`, {
        as: w.adminApi,
        method: 'POST',
        params,
        body: { description: 'Orders', tags: ['Gold', 'pii', 'gold'], discoverable: true },
      }),
    );
    expect(set.body).toMatchObject({
      description: 'Orders',
      tags: ['gold', 'pii'],
      discoverable: true,
      updatedBy: expect.any(String),
    });

    // A TenantUser with no grant: discovers the discoverable asset, cannot read the other, cannot edit.
    const found = await call(searchRoute.GET, '/api/v1/search/assets', { as: w.userApi });
    expect(names(found.body.rows)).toEqual(['orders_000']);
    const seen = await call(metadataRoute.GET, `/api/v1/assets/${id}/metadata`, { as: w.userApi, params });
    expect(seen.body.description).toBe('Orders');
    const hidden = await call(metadataRoute.GET, `/api/v1/assets/${w.assetIds[1]}/metadata`, {
      as: w.userApi,
      params: { id: w.assetIds[1] },
    });
    expect(hidden.status).toBe(403);
    const denied = await call(metadataRoute.POST, `/api/v1/assets/${id}/metadata`, {
      as: w.userApi,
      method: 'POST',
      params,
      body: { description: 'mine now' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/^You may not manage-discovery here/);

    // A steward (manage-discovery on the catalog) may.
    const steward = await signedIn('tenant_user', w.tenant.id);
    const db = await getDb();
    await db.insert(permissions).values({
      tenantId: w.tenant.id,
      userId: steward.userId,
      scopeType: 'catalog',
      catalogId: w.catalogId,
      actions: ['manage-discovery'],
    });
    const bySteward = await call(metadataRoute.POST, `/api/v1/assets/${id}/metadata`, {
      as: steward,
      method: 'POST',
      params,
      body: { description: 'Curated', tags: ['gold'] },
    });
    expect(bySteward.body).toMatchObject({ description: 'Curated', tags: ['gold'], discoverable: false });

    await documented(
      'delete',
      '/api/v1/assets/{id}/metadata',
      await call(metadataRoute.DELETE, `/api/v1/assets/${id}/metadata`, { as: w.adminApi, method: 'DELETE', params }),
    );
    const cleared = await call(metadataRoute.GET, `/api/v1/assets/${id}/metadata`, { as: w.adminApi, params });
    expect(cleared.body).toMatchObject({ description: null, tags: [] });
    const again = await call(metadataRoute.DELETE, `/api/v1/assets/${id}/metadata`, {
      as: w.adminApi,
      method: 'DELETE',
      params,
    });
    expect(again.status).toBe(404);
  });
});

describe('search strategies', () => {
  // Thresholds that force each way of finding a metadata match's page (see metadataStatement).
  const never = 1_000_000;
  // Description words are matched like tags here (words: 0); the last entry reads them from asset_words.
  const ways = {
    frequent: { frequent: 1, walk: 1_000, dense: never, words: 0 },
    'frequent, counted from its first rows': { frequent: 1, walk: 1_000, dense: 1, words: 0 },
    rare: { frequent: never, words: 0 },
    hashed: { frequent: never, rare: 0, words: 0 },
    probed: { frequent: never, rare: 0, hashed: 0, words: 0 },
    'rare, description words from asset_words': { frequent: never },
  } as const;
  const wayOf = (label: string) => label.split(',')[0];

  async function describedTenant() {
    const w = await catalogTenant({ tables: 12 });
    for (const [i, id] of w.assetIds.entries()) {
      await describeAsset(
        w.admin,
        id,
        i % 3 === 0 ? 'Refunds of the web shop' : 'Orders of the stores',
        i % 2 ? ['gold'] : ['silver', 'pii'],
      );
    }
    return w;
  }

  async function allPages(
    actor: Actor,
    opts: { q?: string; tag?: string; type?: 'table' | 'view' },
    tuning: Partial<SearchTuning>,
  ) {
    const { searchAssets } = await import('@/lib/catalog/queries/search');
    const seen: string[] = [];
    const taken = new Set<string>();
    let cursor: string | null = null;
    let total = 0;
    do {
      const page = await searchAssets(actor, { ...opts, limit: 2, cursor, tuning, onWay: (way) => taken.add(way) });
      seen.push(...page.rows.map((r) => r.name));
      total = page.total;
      cursor = page.nextCursor;
    } while (cursor);
    return { seen, total, taken };
  }

  const queries = [
    { q: 'refunds' },
    { q: 'shop' },
    { q: 'gold' },
    { tag: 'gold' },
    { q: 'stores', tag: 'pii' },
    { q: 'orders' },
    { tag: 'silver', type: 'table' as const },
  ];

  it('finds the same pages and totals whichever way a metadata match is found', async () => {
    const w = await describedTenant();
    for (const opts of queries) {
      const rare = await allPages(w.admin, opts, ways.rare);
      expect(rare.taken, JSON.stringify(opts)).toEqual(new Set(['rare']));
      expect(rare.seen.length, JSON.stringify(opts)).toBeGreaterThan(0);
      expect(rare.total).toBe(rare.seen.length);
      for (const [way, tuning] of Object.entries(ways)) {
        const got = await allPages(w.admin, opts, tuning);
        expect(got.seen, `${way} ${JSON.stringify(opts)}`).toEqual(rare.seen);
        expect(got.total, `${way} ${JSON.stringify(opts)}`).toBe(rare.total);
        // A frequent word's walk ends at the page, so the last pages (fewer matches left than a page) go another way.
        if (wayOf(way) === 'frequent') expect(got.taken.has('frequent'), `${way} ${JSON.stringify(opts)}`).toBe(true);
        else expect(got.taken, `${way} ${JSON.stringify(opts)}`).toEqual(new Set([wayOf(way)]));
      }
    }
    expect((await allPages(w.admin, { q: 'refunds' }, ways.rare)).seen).toEqual([
      'orders_000',
      'orders_003',
      'orders_006',
      'orders_009',
    ]);
  });

  it('finds the same pages each way for a TenantUser who sees some of the assets', async () => {
    const w = await describedTenant();
    const db = await getDb();
    // Read on five tables; the others stay invisible (none is discoverable).
    await db.insert(permissions).values(
      [1, 2, 3, 6, 9].map((i) => ({
        tenantId: w.tenant.id,
        userId: w.user.id,
        scopeType: 'asset' as const,
        catalogId: w.catalogId,
        assetId: w.assetIds[i],
        actions: ['read' as const],
      })),
    );
    for (const opts of queries) {
      const rare = await allPages(w.user, opts, ways.rare);
      for (const [way, tuning] of Object.entries(ways)) {
        const got = await allPages(w.user, opts, tuning);
        expect(got.seen, `${way} ${JSON.stringify(opts)}`).toEqual(rare.seen);
        expect(got.total, `${way} ${JSON.stringify(opts)}`).toBe(got.seen.length);
      }
    }
    expect((await allPages(w.user, { q: 'refunds' }, ways.hashed)).seen).toEqual([
      'orders_003',
      'orders_006',
      'orders_009',
    ]);
  });

  it('keeps description words in step with renames, drops, description changes and other branches', async () => {
    const w = await describedTenant();
    const where = { catalog: 'sales', namespace: 'emea.retail' };
    // asset_words (several words: a walk of one, or with a walk of one row, cut at once, the GIN indexes again) and the GIN indexes agree.
    const both = async (q: string) => {
      const [viaWords, viaShortWalk, viaMatching] = await Promise.all([
        allPages(w.admin, { q }, { frequent: never }),
        allPages(w.admin, { q }, { frequent: never, wordWalk: 1 }),
        allPages(w.admin, { q }, ways.rare),
      ]);
      expect({ q, seen: viaWords.seen, total: viaWords.total }).toEqual({
        q,
        seen: viaMatching.seen,
        total: viaMatching.total,
      });
      expect({ q, seen: viaShortWalk.seen, total: viaShortWalk.total }).toEqual({
        q,
        seen: viaMatching.seen,
        total: viaMatching.total,
      });
      return viaWords.seen;
    };
    expect(await both('refunds')).toEqual(['orders_000', 'orders_003', 'orders_006', 'orders_009']);
    await executeMutation(renameAsset, w.admin, { ...where, name: 'orders_003', newName: 'aaa_returns' });
    expect(await both('refunds')).toEqual(['aaa_returns', 'orders_000', 'orders_006', 'orders_009']);
    await describeAsset(w.admin, w.assetIds[0], 'Nothing to see', []);
    await executeMutation(dropAsset, w.admin, { ...where, name: 'orders_006' });
    expect(await both('refunds')).toEqual(['aaa_returns', 'orders_009']);
    // Another branch's rows do not count: renaming there leaves main's order alone.
    await executeMutation(createBranch, w.admin, { catalog: 'sales', name: 'dev', from: 'main' });
    await executeMutation(renameAsset, w.admin, {
      ...where,
      branch: 'dev',
      name: 'orders_009',
      newName: 'zzz_refunds',
    });
    expect(await both('refunds')).toEqual(['aaa_returns', 'orders_009']);
    const db = await getDb();
    const kept = await db
      .select({ nameKey: assetWords.nameKey })
      .from(assetWords)
      .where(and(eq(assetWords.tenantId, w.tenant.id), eq(assetWords.word, 'refunds')))
      .orderBy(assetWords.nameKey);
    expect(kept.map((r) => r.nameKey)).toEqual(['aaa_returns', 'orders_009']);
    // Several words: every one in the description, each as a prefix.
    expect(await both('web sho')).toEqual(['aaa_returns', 'orders_009']);
    expect(await both('stores orde')).toEqual([
      'orders_001',
      'orders_002',
      'orders_004',
      'orders_005',
      'orders_007',
      'orders_008',
      'orders_010',
      'orders_011',
    ]);
    expect(await both('shop stores')).toEqual([]);
    expect(await both('shop nowhere')).toEqual([]);
  });

  it('says when a total is only a lower bound: the count looked at the first metadata rows only', async () => {
    const { searchAssets } = await import('@/lib/catalog/queries/search');
    const w = await describedTenant();
    // "gold" is a tag on six assets; the count looks at three metadata rows only.
    for (const [way, tuning] of Object.entries(ways)) {
      const page = await searchAssets(w.admin, { q: 'gold', limit: 2, tuning: { ...tuning, countProbes: 3 } });
      expect(page.rows).toHaveLength(2);
      // Rare matches are all looked up for the page anyway, so their count is exact.
      expect({ way, total: page.total, totalCapped: page.totalCapped }).toEqual(
        wayOf(way) === 'rare' ? { way, total: 6, totalCapped: false } : { way, total: 3, totalCapped: true },
      );
    }
    // With every row looked at, the total is exact whatever the way.
    for (const [way, tuning] of Object.entries(ways)) {
      const page = await searchAssets(w.admin, { q: 'gold', limit: 2, tuning: { ...tuning, countProbes: 6 } });
      expect({ way, total: page.total, totalCapped: page.totalCapped }).toEqual({ way, total: 6, totalCapped: false });
    }
  });
});
