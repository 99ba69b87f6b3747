// The Overview's figures count only what the signed-in person may see: a TenantUser's catalogs, tables and
// requests are their own lists' totals, and no tenant-wide user count reaches them.
import { describe, expect, it } from 'vitest';
import { overviewCounts } from '@/lib/catalog/queries/overview';
import { governanceWorld } from './support/governance';

describe('overview counts', () => {
  it('shows a TenantAdmin the tenant and a TenantUser only what they may list', async () => {
    const w = await governanceWorld();
    const admin = await overviewCounts(w.admin);
    expect(admin).toMatchObject({ catalogs: 2, assets: 5, users: 4, assetsAtLeast: false });

    // The reader holds read on catalog lake (four tables): not sandbox, not its table, not the user count.
    const reader = await overviewCounts(w.reader);
    expect(reader).toMatchObject({ catalogs: 1, assets: 4, users: null, pendingRequests: 0 });

    // No grants at all: only the discoverable ledger is findable; its catalog is listed as the way to it.
    const nobody = await overviewCounts(w.user);
    expect(nobody).toMatchObject({ assets: 1, users: null });
    expect(nobody.catalogs).toBeLessThanOrEqual(1);

    // Tenant B's Overview never counts A's objects.
    expect(await overviewCounts(w.b.admin)).toMatchObject({ catalogs: 2, assets: 5, users: 2 });
  });
});
