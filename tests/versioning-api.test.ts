import { describe, expect, it, vi } from 'vitest';
import * as branchesRoute from '@/app/api/v1/branches/route';
import * as branchRoute from '@/app/api/v1/branches/[name]/route';
import * as branchCommitsRoute from '@/app/api/v1/branches/[name]/commits/route';
import * as mergeRoute from '@/app/api/v1/branches/merge/route';
import * as tagsRoute from '@/app/api/v1/tags/route';
import * as tagRoute from '@/app/api/v1/tags/[name]/route';
import * as diffRoute from '@/app/api/v1/commits/diff/route';
import * as commitRoute from '@/app/api/v1/commits/[id]/route';
import * as commitAssetsRoute from '@/app/api/v1/commits/[id]/assets/route';
import * as catalogMergesRoute from '@/app/api/v1/catalogs/[catalog]/merge-operations/route';
import * as opRoute from '@/app/api/v1/merge-operations/[id]/route';
import * as opConflictsRoute from '@/app/api/v1/merge-operations/[id]/conflicts/route';
import * as completeRoute from '@/app/api/v1/merge-operations/[id]/complete/route';
import * as abortRoute from '@/app/api/v1/merge-operations/[id]/abort/route';
import * as resolveRoute from '@/app/api/v1/conflicts/[id]/resolve/route';
import { tenantWorld } from './support/fixtures';
import { call, signedIn } from './support/catalog';
import { loc, tablesOn, versioningWorld } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

describe('versioning API', () => {
  it('creates branches and tags, lists history, diffs refs and travels in time', async () => {
    const w = await versioningWorld();
    const admin = await signedIn('tenant_admin', w.tenant.id);
    await w.create('main', 'orders');
    const created = await call(branchesRoute.POST, '/api/v1/branches', {
      as: admin,
      method: 'POST',
      body: { catalog: 'sales', name: 'dev', from: 'main', branchType: 'experimental' },
    });
    expect(created.status).toBe(201);
    expect(created.body.branch).toMatchObject({
      name: 'dev',
      branchType: 'experimental',
      protected: false,
      tables: 1,
      vsMain: { ahead: 0, behind: 0 },
    });
    await w.update('dev', 'orders', 2);
    const list = await call(branchesRoute.GET, '/api/v1/branches?catalog=sales', { as: admin });
    expect(list.status).toBe(200);
    expect(list.body.rows.map((b: { name: string; ahead: number }) => [b.name, b.ahead])).toEqual([
      ['dev', 1],
      ['main', 0],
    ]);
    expect((await call(branchesRoute.GET, '/api/v1/branches', { as: admin })).status).toBe(422);
    expect((await call(branchesRoute.GET, '/api/v1/branches?catalog=sales&bogus=1', { as: admin })).status).toBe(422);

    const tag = await call(tagsRoute.POST, '/api/v1/tags', {
      as: admin,
      method: 'POST',
      body: { catalog: 'sales', name: 'v1', ref: 'main' },
    });
    expect(tag.status).toBe(201);
    expect(
      (
        await call(tagsRoute.POST, '/api/v1/tags', {
          as: admin,
          method: 'POST',
          body: { catalog: 'sales', name: 'v1', ref: 'dev' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await call(tagsRoute.GET, '/api/v1/tags?catalog=sales', { as: admin })).body.rows.map(
        (t: { name: string }) => t.name,
      ),
    ).toEqual(['v1']);

    const history = await call(branchCommitsRoute.GET, '/api/v1/branches/dev/commits?catalog=sales&limit=2', {
      as: admin,
      params: { name: 'dev' },
    });
    expect(history.body.total).toBe(3);
    expect(history.body.rows.map((c: { message: string }) => c.message)).toEqual([
      'Update orders',
      'Create table emea.orders',
    ]);
    const rest = await call(
      branchCommitsRoute.GET,
      `/api/v1/branches/dev/commits?catalog=sales&limit=2&cursor=${history.body.nextCursor}`,
      { as: admin, params: { name: 'dev' } },
    );
    expect(rest.body.rows.map((c: { message: string }) => c.message)).toEqual(['Initialize catalog']);
    expect(rest.body.nextCursor).toBeNull();

    const detail = await call(commitRoute.GET, `/api/v1/commits/${history.body.rows[0].id}?catalog=sales`, {
      as: admin,
      params: { id: history.body.rows[0].id },
    });
    expect(detail.body.changes).toHaveLength(1);
    expect(detail.body.changes[0]).toMatchObject({ op: 'update', name: 'orders', fields: ['location'] });
    expect(detail.body.changes[0].before.metadataLocation).toBe(loc('orders', 1));

    const diff = await call(diffRoute.GET, '/api/v1/commits/diff?catalog=sales&from=v1&to=dev', { as: admin });
    expect(diff.body).toMatchObject({ total: 1, changed: 1 });
    expect(diff.body.rows[0].after.metadataLocation).toBe(loc('orders', 2));

    const then = await call(commitAssetsRoute.GET, '/api/v1/commits/v1/assets?catalog=sales', {
      as: admin,
      params: { id: 'v1' },
    });
    expect(then.body.rows.map((r: { name: string; metadataLocation: string }) => [r.name, r.metadataLocation])).toEqual(
      [['orders', loc('orders', 1)]],
    );

    const prot = await call(branchRoute.PATCH, '/api/v1/branches/dev?catalog=sales', {
      as: admin,
      method: 'PATCH',
      params: { name: 'dev' },
      body: { protected: true },
    });
    expect(prot.body.branch.protected).toBe(true);
    expect(
      (
        await call(branchRoute.DELETE, '/api/v1/branches/dev?catalog=sales', {
          as: admin,
          method: 'DELETE',
          params: { name: 'dev' },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await call(branchRoute.DELETE, '/api/v1/branches/main?catalog=sales', {
          as: admin,
          method: 'DELETE',
          params: { name: 'main' },
        })
      ).body.error.message,
    ).toBe('The main branch cannot be deleted');
    expect(
      (
        await call(tagRoute.DELETE, '/api/v1/tags/v1?catalog=sales', {
          as: admin,
          method: 'DELETE',
          params: { name: 'v1' },
        })
      ).status,
    ).toBe(200);
  });

  it('previews, starts, resolves and completes a merge; reports a moved target with 409; hides it from other tenants', async () => {
    const w = await versioningWorld();
    const admin = await signedIn('tenant_admin', w.tenant.id);
    await w.create('main', 'orders');
    await w.create('main', 'customers');
    await call(branchesRoute.POST, '/api/v1/branches', {
      as: admin,
      method: 'POST',
      body: { catalog: 'sales', name: 'dev' },
    });
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    await w.update('dev', 'customers', 'dev');

    const dry = await call(mergeRoute.POST, '/api/v1/branches/merge', {
      as: admin,
      method: 'POST',
      body: { catalog: 'sales', source: 'dev', target: 'main', dryRun: true },
    });
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toMatchObject({ sourceOnly: 1, conflicts: 1, data_overlap: 1 });
    expect(dry.body.conflicts[0]).toMatchObject({ name: 'orders', kind: 'data_overlap' });

    const started = await call(mergeRoute.POST, '/api/v1/branches/merge', {
      as: admin,
      method: 'POST',
      body: { catalog: 'sales', source: 'dev', target: 'main', expectedTargetHead: dry.body.target.headCommitId },
    });
    expect(started.status).toBe(201);
    expect(started.body.operation).toMatchObject({
      status: 'conflicted',
      sourceBranch: 'dev',
      targetBranch: 'main',
      conflicts: 1,
      openConflicts: 1,
    });
    expect(started.body.targetMoved).toBe(false);
    const opId = started.body.operation.id;
    const conflictId = started.body.conflicts.rows[0].id;
    expect(started.body.conflicts.rows[0]).toMatchObject({
      conflictType: 'data_overlap',
      baseState: { metadataLocation: loc('orders', 1) },
    });

    const listed = await call(catalogMergesRoute.GET, '/api/v1/catalogs/sales/merge-operations?status=active', {
      as: admin,
      params: { catalog: 'sales' },
    });
    expect(listed.body.rows.map((r: { id: string }) => r.id)).toEqual([opId]);
    expect(
      (
        await call(completeRoute.POST, `/api/v1/merge-operations/${opId}/complete`, {
          as: admin,
          method: 'POST',
          params: { id: opId },
        })
      ).status,
    ).toBe(409);
    const bad = await call(resolveRoute.POST, `/api/v1/conflicts/${conflictId}/resolve`, {
      as: admin,
      method: 'POST',
      params: { id: conflictId },
      body: { resolution: 'sideways' },
    });
    expect(bad.status).toBe(422);
    const resolved = await call(resolveRoute.POST, `/api/v1/conflicts/${conflictId}/resolve`, {
      as: admin,
      method: 'POST',
      params: { id: conflictId },
      body: { resolution: 'take_source' },
    });
    expect(resolved.body).toMatchObject({ status: 'ready', unresolved: 0 });

    // The target moves on the conflicted table after the resolution: completing reports instead of overwriting.
    await w.update('main', 'orders', 'main2');
    const moved = await call(completeRoute.POST, `/api/v1/merge-operations/${opId}/complete`, {
      as: admin,
      method: 'POST',
      params: { id: opId },
    });
    expect(moved.status).toBe(409);
    expect(moved.body.error.message).toMatch(/changed since this merge was started/);
    expect(moved.body.conflicts.rows).toHaveLength(1);
    expect(moved.body.conflicts.rows[0].targetState.metadataLocation).toBe(loc('orders', 'main2'));
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 'main2'));

    // Another tenant sees nothing of it.
    const other = await tenantWorld();
    const outsider = await signedIn('tenant_admin', other.tenant.id);
    for (const [handler, url] of [
      [opRoute.GET, `/api/v1/merge-operations/${opId}`],
      [opConflictsRoute.GET, `/api/v1/merge-operations/${opId}/conflicts`],
    ] as const) {
      const res = await call(handler, url, { as: outsider, params: { id: opId } });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('Merge operation was not found');
    }
    expect((await call(completeRoute.POST, '/x', { as: outsider, method: 'POST', params: { id: opId } })).status).toBe(
      404,
    );
    expect((await call(catalogMergesRoute.GET, '/x', { as: outsider, params: { catalog: 'sales' } })).status).toBe(404);

    const again = (
      await call(opConflictsRoute.GET, `/api/v1/merge-operations/${opId}/conflicts?open=true`, {
        as: admin,
        params: { id: opId },
      })
    ).body.rows[0];
    await call(resolveRoute.POST, '/x', {
      as: admin,
      method: 'POST',
      params: { id: again.id },
      body: { resolution: 'manual', metadataLocation: loc('orders', 'chosen') },
    });
    const done = await call(completeRoute.POST, '/x', {
      as: admin,
      method: 'POST',
      params: { id: opId },
      body: { message: 'Merge dev' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ completed: true, changeCount: 2, operation: { status: 'completed' } });
    expect(await tablesOn(w, 'main')).toEqual({ customers: loc('customers', 'dev'), orders: loc('orders', 'chosen') });
    const twice = await call(completeRoute.POST, '/x', { as: admin, method: 'POST', params: { id: opId } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/already completed by/);
    expect((await call(abortRoute.POST, '/x', { as: admin, method: 'POST', params: { id: opId } })).status).toBe(409);
  });
});
