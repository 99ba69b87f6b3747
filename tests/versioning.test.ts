import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, branches, tags } from '@/db/schema';
import { createBranch, createTag, deleteBranch, deleteTag, setBranchProtection } from '@/lib/versioning/mutations';
import { assetsAtCommit, diffCommits } from '@/lib/versioning/diff';
import { aheadBehind } from '@/lib/versioning/graph';
import { resolveRef } from '@/lib/versioning/refs';
import { shortId } from '@/lib/format';
import { branchTables } from '@/lib/versioning/queries/branches';
import { assetAtRef } from '@/lib/versioning/queries/refs';
import { tenantWorld } from './support/fixtures';
import { grantCatalog, headOf, loc, refusal, run, stateAt, tablesOn, versioningWorld } from './support/versioning';

describe('branches', () => {
  it('creates a full branch from main with the same tables, and its own head', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await w.create('main', 'customers');
    const out = await run(createBranch, w.admin, { catalog: 'sales', name: 'dev', from: 'main' });
    expect(out.assetCount).toBe(2);
    expect(await tablesOn(w, 'dev')).toEqual(await tablesOn(w, 'main'));
    expect((await headOf(w, 'dev')).id).toBe((await headOf(w, 'main')).id);
    await w.update('dev', 'orders', 2);
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 1));
    expect((await tablesOn(w, 'dev')).orders).toBe(loc('orders', 2));
  });

  it('finds the tables a branch holds by part of their qualified name, a page at a time (the change-a-table picker)', async () => {
    const w = await versioningWorld();
    for (const name of ['orders', 'order_items', 'customers']) await w.create('main', name);
    const all = await branchTables(w.admin, 'sales', w.mainBranchId);
    expect(all.rows.map((t) => `${t.namespace}.${t.name}`)).toEqual([
      'emea.customers',
      'emea.order_items',
      'emea.orders',
    ]);
    expect(all.more).toBe(false);
    const some = await branchTables(w.admin, 'sales', w.mainBranchId, { q: 'ORDER', limit: 1 });
    expect(some.rows.map((t) => t.name)).toEqual(['order_items']);
    expect(some.more).toBe(true);
    expect((await branchTables(w.admin, 'sales', w.mainBranchId, { q: 'emea.cust' })).rows).toHaveLength(1);
    // LIKE wildcards are taken literally.
    expect((await branchTables(w.admin, 'sales', w.mainBranchId, { q: '%' })).rows).toHaveLength(0);
  });

  it('creates a branch from a tag or any commit with the catalog as it was then', async () => {
    const w = await versioningWorld();
    const first = await w.create('main', 'orders');
    await run(createTag, w.admin, { catalog: 'sales', name: 'v1', ref: 'main' });
    await w.update('main', 'orders', 2);
    await w.create('main', 'later');
    await run(createBranch, w.admin, { catalog: 'sales', name: 'from-tag', from: 'v1' });
    expect(await tablesOn(w, 'from-tag')).toEqual({ orders: loc('orders', 1) });
    await run(createBranch, w.admin, { catalog: 'sales', name: 'from-commit', from: first.commitId });
    expect(await tablesOn(w, 'from-commit')).toEqual({ orders: loc('orders', 1) });
    await run(createBranch, w.admin, { catalog: 'sales', name: 'from-short', from: shortId(first.commitId) });
    expect((await headOf(w, 'from-short')).id).toBe(first.commitId);
    expect((await refusal(run(createBranch, w.admin, { catalog: 'sales', name: 'x', from: 'nope' }))).message).toBe(
      'Branch, tag or commit "nope" was not found',
    );
  });

  it('creates a partial branch holding only the chosen tables, and refuses tables that do not exist', async () => {
    const w = await versioningWorld();
    const orders = await w.create('main', 'orders');
    await w.create('main', 'customers');
    await run(createBranch, w.admin, {
      catalog: 'sales',
      name: 'part',
      from: 'main',
      partial: 'on',
      assetIds: orders.assetId,
    });
    expect(await tablesOn(w, 'part')).toEqual({ orders: loc('orders', 1) });
    const db = await getDb();
    const [b] = await db
      .select()
      .from(branches)
      .where(and(eq(branches.tenantId, w.tenant.id), eq(branches.name, 'part')));
    expect(b.partialAssetIds).toEqual([orders.assetId]);
    const e = await refusal(
      run(createBranch, w.admin, {
        catalog: 'sales',
        name: 'part2',
        partial: true,
        assetIds: ['0190a0a0-0000-7000-8000-000000000000'],
      }),
    );
    expect(e.code).toBe('validation_failed');
    expect(e.message).toMatch(/1 of the chosen tables does not exist/);
    expect(
      (await refusal(run(createBranch, w.admin, { catalog: 'sales', name: 'part3', partial: true }))).fieldErrors
        ?.assetIds,
    ).toBeDefined();
    // Merging the partial branch back changes only what it changed: the untaken table stays on main.
    await w.update('part', 'orders', 2);
    const { startMerge, completeMerge } = await import('@/lib/versioning/mutations');
    const op = await run(startMerge, w.admin, { catalog: 'sales', source: 'part', target: 'main' });
    expect(op.status).toBe('ready');
    await run(completeMerge, w.admin, { id: op.id });
    expect(await tablesOn(w, 'main')).toEqual({ customers: loc('customers', 1), orders: loc('orders', 2) });
  });

  it('refuses duplicate names, never deletes main, and deletes other branches', async () => {
    const w = await versioningWorld();
    expect((await refusal(run(createBranch, w.admin, { catalog: 'sales', name: 'main' }))).code).toBe('conflict');
    expect((await refusal(run(deleteBranch, w.admin, { catalog: 'sales', name: 'main' }))).message).toBe(
      'The main branch cannot be deleted',
    );
    await run(createBranch, w.admin, { catalog: 'sales', name: 'tmp' });
    expect((await refusal(run(createBranch, w.admin, { catalog: 'sales', name: 'tmp' }))).message).toMatch(
      /already exists/,
    );
    expect((await refusal(run(createBranch, w.admin, { catalog: 'sales', name: 'bad name' }))).code).toBe(
      'validation_failed',
    );
    await run(deleteBranch, w.admin, { catalog: 'sales', name: 'tmp' });
    const db = await getDb();
    expect(await db.$count(branches, and(eq(branches.tenantId, w.tenant.id), eq(branches.name, 'tmp')))).toBe(0);
    const [audit] = await db
      .select()
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.tenantId, w.tenant.id),
          eq(auditLogs.action, 'branch.delete'),
          eq(auditLogs.result, 'success'),
        ),
      );
    expect(audit.resourceName).toBe('sales@tmp');
  });

  it('protects a branch: no direct commits, no deletion, merges only by maintainers', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await run(createBranch, w.admin, { catalog: 'sales', name: 'dev' });
    await run(setBranchProtection, w.admin, { catalog: 'sales', name: 'main', protected: 'true' });
    const direct = await refusal(w.update('main', 'orders', 2));
    expect(direct.code).toBe('forbidden');
    expect(direct.message).toMatch(/protected/);
    await w.update('dev', 'orders', 3);
    // A TenantUser with write on the catalog may not merge into a protected branch; with "all" they may.
    await grantCatalog(w, ['write']);
    const { startMerge, completeMerge } = await import('@/lib/versioning/mutations');
    expect(
      (await refusal(run(startMerge, w.user, { catalog: 'sales', source: 'dev', target: 'main' }))).message,
    ).toMatch(/protected/);
    expect(
      (await refusal(run(setBranchProtection, w.user, { catalog: 'sales', name: 'main', protected: false }))).code,
    ).toBe('forbidden');
    const op = await run(startMerge, w.admin, { catalog: 'sales', source: 'dev', target: 'main' });
    await run(completeMerge, w.admin, { id: op.id });
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 3));
    await run(setBranchProtection, w.admin, { catalog: 'sales', name: 'dev', protected: true });
    expect((await refusal(run(deleteBranch, w.admin, { catalog: 'sales', name: 'dev' }))).message).toMatch(
      /unprotect it/,
    );
    await run(setBranchProtection, w.admin, { catalog: 'sales', name: 'main', protected: false });
    await w.update('main', 'orders', 4);
  });

  it('lets typed branches be created with the branching permission alone', async () => {
    const w = await versioningWorld();
    expect(
      (await refusal(run(createBranch, w.user, { catalog: 'sales', name: 'ing', branchType: 'ingest' }))).code,
    ).toBe('forbidden');
    await grantCatalog(w, ['ingest-branching']);
    const out = await run(createBranch, w.user, { catalog: 'sales', name: 'ing', branchType: 'ingest' });
    expect(out.name).toBe('ing');
    const e = await refusal(run(createBranch, w.user, { catalog: 'sales', name: 'exp', branchType: 'experimental' }));
    expect(e.code).toBe('forbidden');
    expect(e.message).toMatch(/experimental-branching/);
    const db = await getDb();
    const denied = await db
      .select()
      .from(auditLogs)
      .where(
        and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.action, 'branch.create'), eq(auditLogs.result, 'denied')),
      );
    expect(denied.length).toBe(2);
  });

  it('hides another tenant’s catalog, branches and refs', async () => {
    const w = await versioningWorld();
    const other = await tenantWorld();
    expect((await refusal(run(createBranch, other.admin, { catalog: w.catalogId, name: 'x' }))).code).toBe('not_found');
    expect((await refusal(run(deleteBranch, other.admin, { catalog: 'sales', name: 'main' }))).code).toBe('not_found');
    const db = await getDb();
    await expect(resolveRef(db, other.tenant.id, w.catalogId, 'main')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('tags', () => {
  it('answers one table as it was at a tag or commit, and not found where it did not exist yet', async () => {
    const w = await versioningWorld();
    const c0 = await w.create('main', 'customers');
    const c1 = await w.create('main', 'orders');
    await run(createTag, w.admin, { catalog: 'sales', name: 'before-v2', ref: 'main' });
    await w.update('main', 'orders', 2);
    const atTag = await assetAtRef(w.admin, 'sales', 'tag:before-v2', c1.assetId);
    expect(atTag.asset.metadataLocation).toBe(loc('orders', 1));
    expect(atTag.ref).toMatchObject({ kind: 'tag', name: 'before-v2' });
    expect((await assetAtRef(w.admin, 'sales', 'main', c1.assetId)).asset.metadataLocation).toBe(loc('orders', 2));
    expect((await refusal(assetAtRef(w.admin, 'sales', c0.commitId, c1.assetId))).code).toBe('not_found');
  });

  it('names a commit immutably: a taken name is refused until the tag is deleted', async () => {
    const w = await versioningWorld();
    const c1 = await w.create('main', 'orders');
    await run(createTag, w.admin, { catalog: 'sales', name: 'v1', ref: c1.commitId, message: 'first' });
    await w.update('main', 'orders', 2);
    const again = await refusal(run(createTag, w.admin, { catalog: 'sales', name: 'v1', ref: 'main' }));
    expect(again.code).toBe('conflict');
    expect(again.message).toMatch(/tags never move/);
    const db = await getDb();
    const [t] = await db
      .select()
      .from(tags)
      .where(and(eq(tags.tenantId, w.tenant.id), eq(tags.name, 'v1')));
    expect(t.commitId).toBe(c1.commitId);
    expect(await stateAt(w, t.commitId)).toEqual({ orders: loc('orders', 1) });
    await run(deleteTag, w.admin, { catalog: 'sales', name: 'v1' });
    expect((await refusal(run(deleteTag, w.admin, { catalog: 'sales', name: 'v1' }))).code).toBe('not_found');
  });
});

describe('diff and time travel', () => {
  it('lists added, removed and changed tables between any two refs with before and after', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await w.create('main', 'gone');
    await w.create('main', 'same');
    await run(createTag, w.admin, { catalog: 'sales', name: 'before', ref: 'main' });
    await w.update('main', 'orders', 2, { schemaId: 3, properties: { owner: 'ana' } });
    await w.drop('main', 'gone');
    await w.create('main', 'fresh');
    const db = await getDb();
    const from = (await resolveRef(db, w.tenant.id, w.catalogId, 'before')).commitId;
    const to = (await resolveRef(db, w.tenant.id, w.catalogId, 'main')).commitId;
    const d = await diffCommits(db, w.tenant.id, from, to);
    expect({ total: d.total, added: d.added, removed: d.removed, changed: d.changed }).toEqual({
      total: 3,
      added: 1,
      removed: 1,
      changed: 1,
    });
    const byName = Object.fromEntries(d.rows.map((r) => [r.name, r]));
    expect(byName.fresh.change).toBe('added');
    expect(byName.gone.change).toBe('removed');
    expect(byName.gone.before?.metadataLocation).toBe(loc('gone', 1));
    expect(byName.orders).toMatchObject({
      change: 'changed',
      namespace: 'emea',
      fields: ['location', 'schema', 'properties'],
    });
    expect(byName.orders.before).toMatchObject({ metadataLocation: loc('orders', 1), schemaId: null, properties: {} });
    expect(byName.orders.after).toMatchObject({
      metadataLocation: loc('orders', 2),
      schemaId: 3,
      properties: { owner: 'ana' },
    });
    // Reverse direction and paging.
    const back = await diffCommits(db, w.tenant.id, to, from, { limit: 2 });
    expect(back.rows.map((r) => [r.name, r.change])).toEqual([
      ['fresh', 'removed'],
      ['gone', 'added'],
    ]);
    const rest = await diffCommits(db, w.tenant.id, to, from, { limit: 2, after: back.nextCursor });
    expect(rest.rows.map((r) => r.name)).toEqual(['orders']);
    expect(rest.nextCursor).toBeNull();
    expect((await diffCommits(db, w.tenant.id, to, to)).total).toBe(0);
    // Time travel: the catalog as it was at the tag.
    const then = await assetsAtCommit(db, w.tenant.id, from);
    expect(then.rows.map((r) => [r.name, r.metadataLocation])).toEqual([
      ['gone', loc('gone', 1)],
      ['orders', loc('orders', 1)],
      ['same', loc('same', 1)],
    ]);
  });

  it('counts commits ahead and behind main', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await run(createBranch, w.admin, { catalog: 'sales', name: 'dev' });
    await w.update('dev', 'orders', 2);
    await w.create('dev', 'more');
    await w.create('main', 'other');
    const db = await getDb();
    const main = await headOf(w, 'main');
    const dev = await headOf(w, 'dev');
    const counts = await aheadBehind(db, w.tenant.id, main.id, [dev.id, main.id]);
    expect(counts.get(dev.id)).toEqual({ ahead: 2, behind: 1 });
    expect(counts.get(main.id)).toEqual({ ahead: 0, behind: 0 });
  });
});
