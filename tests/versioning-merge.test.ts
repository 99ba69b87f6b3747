import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLogs, commits, mergeConflicts, mergeOperations } from '@/db/schema';
import { abortMerge, completeMerge, createBranch, resolveConflict, startMerge } from '@/lib/versioning/mutations';
import { mergeBase } from '@/lib/versioning/graph';
import '@/lib/iceberg/table-merge';
import { computePreview, mergeBranches } from '@/lib/versioning/merge';
import { tenantWorld } from './support/fixtures';
import {
  branchCounts,
  grantCatalog,
  headOf,
  loc,
  refusal,
  run,
  stateAt,
  tablesOn,
  versioningWorld,
  type World,
} from './support/versioning';

const branch = (w: World, name: string, from = 'main') => run(createBranch, w.admin, { catalog: 'sales', name, from });
const start = (w: World, source: string, target = 'main') =>
  run(startMerge, w.admin, { catalog: 'sales', source, target });
const complete = (w: World, id: string) => run(completeMerge, w.admin, { id });

async function conflictsOf(opId: string) {
  const db = await getDb();
  return db.select().from(mergeConflicts).where(eq(mergeConflicts.mergeOperationId, opId));
}

async function preview(w: World, source: string, target = 'main') {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [s, t] = await mergeBranches(tx, w.tenant.id, w.catalogId, source, target);
    return computePreview(tx, w.tenant.id, s, t);
  });
}

/** Merges with every conflict resolved the given way; returns the merge commit. */
async function mergeResolving(w: World, source: string, target: string, resolution: 'take_source' | 'take_target') {
  const op = await start(w, source, target);
  for (const c of await conflictsOf(op.id)) await run(resolveConflict, w.admin, { id: c.id, resolution });
  const out = await complete(w, op.id);
  expect(out.completed).toBe(true);
  return out;
}

describe('clean merges', () => {
  it('merges changes to different tables in both directions, as real merge commits', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await w.create('main', 'customers');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 2);
    await w.create('dev', 'invoices');
    await w.update('main', 'customers', 2);

    const p = await preview(w, 'dev');
    expect(p.upToDate).toBe(false);
    expect(p.summary).toMatchObject({ sourceOnly: 2, creates: 1, updates: 1, conflicts: 0 });
    expect(p.changes.map((c) => [c.name, c.op])).toEqual([
      ['invoices', 'create'],
      ['orders', 'update'],
    ]);

    const mainHead = await headOf(w, 'main');
    const devHead = await headOf(w, 'dev');
    const op = await start(w, 'dev');
    expect(op.status).toBe('ready');
    const out = await complete(w, op.id);
    expect(out).toMatchObject({ completed: true, status: 'completed', changeCount: 2 });
    const merge = await headOf(w, 'main');
    expect(merge.id).toBe(out.commitId);
    expect(merge.parentId).toBe(mainHead.id);
    expect(merge.mergeParentId).toBe(devHead.id);
    expect(await tablesOn(w, 'main')).toEqual({
      customers: loc('customers', 2),
      invoices: loc('invoices', 1),
      orders: loc('orders', 2),
    });
    // History agrees with the materialised rows.
    expect(await stateAt(w, merge.id)).toEqual(await tablesOn(w, 'main'));

    // The other direction: main's change reaches dev; dev's own changes stay.
    await w.update('main', 'customers', 3);
    await mergeResolving(w, 'main', 'dev', 'take_source');
    expect(await tablesOn(w, 'dev')).toEqual({
      customers: loc('customers', 3),
      invoices: loc('invoices', 1),
      orders: loc('orders', 2),
    });
    // Nothing left to merge back except the merge itself.
    expect((await preview(w, 'dev')).summary.sourceOnly).toBe(0);
    expect((await refusal(start(w, 'main', 'dev'))).message).toMatch(/nothing to merge/);
  });

  it('carries deletions and renames made on the source over to the target', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await w.create('main', 'legacy');
    await branch(w, 'cleanup');
    await w.drop('cleanup', 'legacy');
    await w.rename('cleanup', 'orders', 'orders_v2');
    const p = await preview(w, 'cleanup');
    expect(p.summary).toMatchObject({ drops: 1, renames: 1, conflicts: 0 });
    await mergeResolving(w, 'cleanup', 'main', 'take_source');
    expect(await tablesOn(w, 'main')).toEqual({ orders_v2: loc('orders', 1) });
  });

  it("keeps each branch's table and view counts equal to its head rows through commits, branch copies and merges", async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await w.create('main', 'legacy');
    await w.create('main', 'daily', 1, { assetType: 'view' });
    await branch(w, 'dev');
    await w.drop('dev', 'legacy');
    await w.rename('dev', 'orders', 'orders_v2');
    await w.create('dev', 'weekly', 1, { assetType: 'view' });
    await w.create('main', 'invoices');
    let counts = await branchCounts(w);
    expect(counts).toEqual({
      main: { kept: { tables: 3, views: 1 }, rows: { tables: 3, views: 1 } },
      dev: { kept: { tables: 1, views: 2 }, rows: { tables: 1, views: 2 } },
    });
    await mergeResolving(w, 'dev', 'main', 'take_source');
    counts = await branchCounts(w);
    expect(counts.main).toEqual({ kept: { tables: 2, views: 2 }, rows: { tables: 2, views: 2 } });
    expect(counts.dev.kept).toEqual(counts.dev.rows);
  });

  it('merges a branch that is strictly ahead with a merge commit, not a fast-forward', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 2);
    const before = await headOf(w, 'main');
    await mergeResolving(w, 'dev', 'main', 'take_source');
    const after = await headOf(w, 'main');
    expect(after.parentId).toBe(before.id);
    expect(after.mergeParentId).toBe((await headOf(w, 'dev')).id);
    expect(after.branchName).toBe('main');
  });
});

describe('conflicts', () => {
  it('data overlap: both changed the same table differently; take source', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    const op = await start(w, 'dev');
    expect(op.status).toBe('conflicted');
    const [c] = await conflictsOf(op.id);
    expect(c.conflictType).toBe('data_overlap');
    expect(c.description).toBe('Both branches changed emea.orders differently since the merge base');
    expect(c.baseState?.metadataLocation).toBe(loc('orders', 1));
    expect(c.sourceState?.metadataLocation).toBe(loc('orders', 'dev'));
    expect(c.targetState?.metadataLocation).toBe(loc('orders', 'main'));
    expect((await refusal(complete(w, op.id))).message).toBe(
      '1 conflict is still unresolved; resolve it before completing',
    );
    const r = await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_source' });
    expect(r.status).toBe('ready');
    await complete(w, op.id);
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 'dev'));
  });

  it('data overlap resolved by taking the target keeps the target and still records the merge', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    const out = await mergeResolving(w, 'dev', 'main', 'take_target');
    expect(out.changeCount).toBe(0);
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 'main'));
    expect((await headOf(w, 'main')).mergeParentId).toBe((await headOf(w, 'dev')).id);
    // The merge moved the base: the same change is not a conflict again.
    expect((await preview(w, 'dev')).upToDate).toBe(true);
  });

  it('manual resolution keeps the entered metadata location', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev', { properties: { from: 'dev' } });
    await w.update('main', 'orders', 'main');
    const op = await start(w, 'dev');
    const [c] = await conflictsOf(op.id);
    const missing = await refusal(run(resolveConflict, w.admin, { id: c.id, resolution: 'manual' }));
    expect(missing.fieldErrors?.metadataLocation).toBeDefined();
    expect(
      (await refusal(run(resolveConflict, w.admin, { id: c.id, resolution: 'manual', metadataLocation: 'not a uri' })))
        .code,
    ).toBe('validation_failed');
    await run(resolveConflict, w.admin, { id: c.id, resolution: 'manual', metadataLocation: loc('orders', 'merged') });
    await complete(w, op.id);
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 'merged'));
  });

  it('deletion conflict both ways: dropped on one side, changed on the other', async () => {
    const w = await versioningWorld();
    await w.create('main', 'a');
    await w.create('main', 'b');
    await branch(w, 'dev');
    await w.drop('dev', 'a');
    await w.update('main', 'a', 2);
    await w.update('dev', 'b', 2);
    await w.drop('main', 'b');
    const op = await start(w, 'dev');
    const cs = await conflictsOf(op.id);
    expect(cs.map((c) => [c.conflictType, c.description]).sort()).toEqual([
      ['deletion_conflict', 'emea.a was dropped on the source but changed on the target'],
      ['deletion_conflict', 'emea.b was dropped on the target but changed on the source'],
    ]);
    // Take the source for both: a is dropped, b comes back with the source's change.
    for (const c of cs) await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_source' });
    await complete(w, op.id);
    expect(await tablesOn(w, 'main')).toEqual({ b: loc('b', 2) });
  });

  it('create conflict: both branches created the same name; taking the source replaces the target table', async () => {
    const w = await versioningWorld();
    await w.create('main', 'seed');
    await branch(w, 'dev');
    const mine = await w.create('dev', 'report', 'dev');
    const theirs = await w.create('main', 'report', 'main');
    const op = await start(w, 'dev');
    const [c] = await conflictsOf(op.id);
    expect(c.conflictType).toBe('create_conflict');
    expect(c.assetId).toBe(mine.assetId);
    expect((c.targetState as unknown as { assetId: string }).assetId).toBe(theirs.assetId);
    expect(c.description).toBe('Both branches have a different table or view named emea.report');
    await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_source' });
    await complete(w, op.id);
    expect(await tablesOn(w, 'main')).toEqual({ report: loc('report', 'dev'), seed: loc('seed', 1) });
    expect(await stateAt(w, (await headOf(w, 'main')).id)).toEqual(await tablesOn(w, 'main'));
  });

  it('create conflict resolved by taking the target or manually keeps the target table', async () => {
    const w = await versioningWorld();
    await w.create('main', 'seed');
    await branch(w, 'dev');
    await branch(w, 'dev2');
    await w.create('dev', 'report', 'dev');
    await w.create('dev2', 'report', 'dev2');
    await w.create('main', 'report', 'main');
    await mergeResolving(w, 'dev', 'main', 'take_target');
    expect((await tablesOn(w, 'main')).report).toBe(loc('report', 'main'));
    const op = await start(w, 'dev2');
    const cs = await conflictsOf(op.id);
    expect(cs.map((c) => c.conflictType)).toEqual(['create_conflict']);
    await run(resolveConflict, w.admin, {
      id: cs[0].id,
      resolution: 'manual',
      metadataLocation: loc('report', 'manual'),
    });
    await complete(w, op.id);
    expect(await tablesOn(w, 'main')).toEqual({ report: loc('report', 'manual'), seed: loc('seed', 1) });
  });

  it('schema change: both sides moved the schema id to different ids', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders', 1, { schemaId: 1 });
    await w.create('main', 'same', 1, { schemaId: 1 });
    await branch(w, 'dev');
    await w.update('dev', 'orders', 2, { schemaId: 2 });
    await w.update('main', 'orders', 3, { schemaId: 3 });
    // Same schema change on both sides, different data: an ordinary overlap.
    await w.update('dev', 'same', 2, { schemaId: 2 });
    await w.update('main', 'same', 3, { schemaId: 2 });
    const p = await preview(w, 'dev');
    expect(p.conflicts.map((c) => [c.name, c.kind])).toEqual([
      ['orders', 'schema_change'],
      ['same', 'data_overlap'],
    ]);
    const op = await start(w, 'dev');
    const cs = await conflictsOf(op.id);
    const schema = cs.find((c) => c.conflictType === 'schema_change')!;
    expect(schema.description).toBe(
      'Both branches changed the schema of emea.orders (base schema 1, source 2, target 3)',
    );
    await run(resolveConflict, w.admin, { id: schema.id, resolution: 'take_target' });
    const after = await run(resolveConflict, w.admin, {
      id: cs.find((c) => c !== schema)!.id,
      resolution: 'take_source',
    });
    expect(after.status).toBe('ready');
    await complete(w, op.id);
    expect(await tablesOn(w, 'main')).toEqual({ orders: loc('orders', 3), same: loc('same', 2) });
  });

  it('changed identically on both sides is not a conflict', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 2);
    await w.update('main', 'orders', 2);
    await w.create('dev', 'extra');
    const p = await preview(w, 'dev');
    expect(p.summary).toMatchObject({ conflicts: 0, sourceOnly: 1 });
  });
});

describe('merge history', () => {
  it('criss-cross: chooses a best common ancestor (not the root), the same whichever side asks', async () => {
    const w = await versioningWorld();
    await w.create('main', 'x');
    await w.create('main', 'y');
    await branch(w, 'dev');
    await w.update('main', 'x', 2); // m1
    await w.update('dev', 'y', 2); // f1
    const m1 = await headOf(w, 'main');
    const f1 = await headOf(w, 'dev');
    // Criss-cross: each side merges the other's old head.
    const toMain = await start(w, 'dev');
    const toDev = await start(w, 'main', 'dev');
    await complete(w, toMain.id);
    await complete(w, toDev.id);
    const db = await getDb();
    const mainHead = await headOf(w, 'main');
    const devHead = await headOf(w, 'dev');
    expect(mainHead.mergeParentId).toBe(f1.id);
    expect(devHead.mergeParentId).toBe(m1.id);
    const ab = await mergeBase(db, w.tenant.id, mainHead.id, devHead.id);
    const ba = await mergeBase(db, w.tenant.id, devHead.id, mainHead.id);
    expect(ab?.candidates).toBe(2);
    // Equal depth: the newer of the two best ancestors wins, whichever side asks.
    expect(ab?.commitId).toBe(f1.id);
    expect(ba?.commitId).toBe(f1.id);
    // Against f1, dev's further change of y is clean (main holds f1's y).
    await w.update('dev', 'y', 3);
    const p = await preview(w, 'dev');
    expect(p.baseCandidates).toBe(2);
    expect(p.summary).toMatchObject({ conflicts: 0, sourceOnly: 1 });
    await mergeResolving(w, 'dev', 'main', 'take_source');
    expect(await tablesOn(w, 'main')).toEqual({ x: loc('x', 2), y: loc('y', 3) });
  });

  it('a later merge uses the previous merge as its base', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 2);
    await mergeResolving(w, 'dev', 'main', 'take_source');
    await w.update('main', 'orders', 3);
    await w.update('dev', 'orders', 4);
    const p = await preview(w, 'dev');
    expect(p.baseCommitId).toBe((await headOf(w, 'dev')).parentId);
    expect(p.conflicts[0]).toMatchObject({ kind: 'data_overlap' });
    expect(p.conflicts[0].base?.metadataLocation).toBe(loc('orders', 2));
  });
});

describe('merge lifecycle', () => {
  it('reports new conflicts instead of overwriting when the target moved after the start', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await w.create('main', 'customers');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev');
    const op = await start(w, 'dev');
    expect(op.status).toBe('ready');
    // Someone changes the same table on main meanwhile.
    await w.update('main', 'orders', 'main');
    const mainBefore = await headOf(w, 'main');
    const out = await complete(w, op.id);
    expect(out).toMatchObject({ completed: false, targetMoved: true, newConflicts: 1, status: 'conflicted' });
    expect(out.message).toMatch(
      /changed since this merge was started.*1 new conflict needs resolving; nothing was merged/,
    );
    expect((await headOf(w, 'main')).id).toBe(mainBefore.id);
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 'main'));
    const db = await getDb();
    const [row] = await db.select().from(mergeOperations).where(eq(mergeOperations.id, op.id));
    expect(row.targetHeadCommitId).toBe(mainBefore.id);
    const [c] = await conflictsOf(op.id);
    await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_target' });
    // An unrelated change on the target after that: re-checked, no new conflict, so the merge goes through.
    await w.update('main', 'customers', 2);
    const done = await complete(w, op.id);
    expect(done.completed).toBe(true);
    expect(await tablesOn(w, 'main')).toEqual({ customers: loc('customers', 2), orders: loc('orders', 'main') });
  });

  it('a resolution survives the target moving only while both sides are unchanged', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    const op = await start(w, 'dev');
    const [c] = await conflictsOf(op.id);
    await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_source' });
    await w.update('main', 'orders', 'main2');
    const out = await complete(w, op.id);
    expect(out).toMatchObject({ completed: false, newConflicts: 1 });
    const cs = await conflictsOf(op.id);
    expect(cs).toHaveLength(1);
    expect(cs[0].resolution).toBeNull();
    expect(cs[0].targetState?.metadataLocation).toBe(loc('orders', 'main2'));
  });

  it('two people completing at once: exactly one succeeds, the other is told', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 2);
    const op = await start(w, 'dev');
    const results = await Promise.allSettled([complete(w, op.id), run(completeMerge, w.root, { id: op.id })]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].reason.code).toBe('conflict');
    expect(failed[0].reason.message).toMatch(/^This merge was already completed by .+ at .+; nothing was changed$/);
    const db = await getDb();
    const merges = await db
      .select()
      .from(commits)
      .where(and(eq(commits.tenantId, w.tenant.id), eq(commits.mergeParentId, (await headOf(w, 'dev')).id)));
    expect(merges).toHaveLength(1);
  });

  it('abort leaves both branches untouched and the operation closed', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    const mainBefore = await headOf(w, 'main');
    const devBefore = await headOf(w, 'dev');
    const op = await start(w, 'dev');
    expect((await refusal(start(w, 'dev'))).message).toMatch(/already in progress/);
    const [c] = await conflictsOf(op.id);
    await run(resolveConflict, w.admin, { id: c.id, resolution: 'take_source' });
    await run(abortMerge, w.admin, { id: op.id });
    expect((await headOf(w, 'main')).id).toBe(mainBefore.id);
    expect((await headOf(w, 'dev')).id).toBe(devBefore.id);
    expect((await tablesOn(w, 'main')).orders).toBe(loc('orders', 'main'));
    expect((await refusal(complete(w, op.id))).message).toMatch(/was aborted/);
    expect((await refusal(run(resolveConflict, w.admin, { id: c.id, resolution: 'take_target' }))).message).toMatch(
      /was aborted/,
    );
    // A new merge can start once the old one is closed.
    expect((await start(w, 'dev')).status).toBe('conflicted');
  });

  it('checks permissions on every step, hides other tenants, and audits everything', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    await branch(w, 'dev');
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    expect((await refusal(run(startMerge, w.user, { catalog: 'sales', source: 'dev', target: 'main' }))).code).toBe(
      'forbidden',
    );
    const op = await start(w, 'dev');
    const [c] = await conflictsOf(op.id);
    expect((await refusal(run(resolveConflict, w.user, { id: c.id, resolution: 'take_source' }))).code).toBe(
      'forbidden',
    );
    expect((await refusal(run(completeMerge, w.user, { id: op.id }))).code).toBe('forbidden');
    expect((await refusal(run(abortMerge, w.user, { id: op.id }))).code).toBe('forbidden');
    const other = await tenantWorld();
    expect((await refusal(run(completeMerge, other.admin, { id: op.id }))).code).toBe('not_found');
    expect((await refusal(run(resolveConflict, other.admin, { id: c.id, resolution: 'take_source' }))).code).toBe(
      'not_found',
    );
    await grantCatalog(w, ['write']);
    await run(resolveConflict, w.user, { id: c.id, resolution: 'take_source' });
    await run(completeMerge, w.user, { id: op.id });
    const db = await getDb();
    const trail = await db
      .select({ action: auditLogs.action, result: auditLogs.result })
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, w.tenant.id), eq(auditLogs.resourceType, 'merge_operation')));
    expect(
      trail
        .filter((t) => t.result === 'success')
        .map((t) => t.action)
        .sort(),
    ).toEqual(['merge.complete', 'merge.start']);
    expect(trail.filter((t) => t.result === 'denied').length).toBeGreaterThanOrEqual(3);
  });
});
