// Sign-out and Root's tenant switch are mutations like any other change: one transaction with their audit row.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activeTokens, revokedTokens } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { switchTenant } from '@/lib/governance/sessions';
import { revokeCurrentToken } from '@/lib/governance/tokens';
import { executeMutation } from '@/lib/mutation';
import { tenantWorld } from './support/fixtures';
import { bearerFor, lastAudit } from './support/governance';

describe('session mutations', () => {
  it('sign-out revokes the session token and audits it in the home tenant', async () => {
    const w = await tenantWorld();
    const token = await bearerFor(w.admin);
    const actor = { ...w.admin, tokenHash: token.tokenHash };
    await executeMutation(revokeCurrentToken, actor, {}); // what the console's sign-out runs
    const db = await getDb();
    expect(await db.$count(revokedTokens, eq(revokedTokens.tokenHash, token.tokenHash))).toBe(1);
    expect(await db.$count(activeTokens, eq(activeTokens.tokenHash, token.tokenHash))).toBe(0);
    expect(await lastAudit('auth.sign_out', { actorId: w.admin.id })).toMatchObject({
      result: 'success',
      tenantId: w.tenant.id,
      resourceType: 'session',
    });
  });

  it('lets Root enter a tenant or leave for all tenants, and refuses anyone else (audited)', async () => {
    const w = await tenantWorld();
    const entered = await executeMutation(switchTenant, w.rootNoTenant, { tenantId: w.tenant.id });
    expect(entered.data).toEqual({ tenantId: w.tenant.id });
    expect(await lastAudit('tenant.switch', { actorId: w.rootNoTenant.id })).toMatchObject({
      result: 'success',
      tenantId: w.tenant.id,
      resourceName: w.tenant.name,
    });

    for (const tenantId of ['', 'not-an-id', '00000000-0000-7000-8000-000000000000']) {
      expect((await executeMutation(switchTenant, w.rootNoTenant, { tenantId })).data).toEqual({ tenantId: null });
    }
    expect(await lastAudit('tenant.switch', { actorId: w.rootNoTenant.id })).toMatchObject({
      resourceName: 'all tenants',
      tenantId: null,
    });

    const refused = await executeMutation(switchTenant, w.admin, { tenantId: w.tenant.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('forbidden');
    expect(await lastAudit('tenant.switch', { actorId: w.admin.id })).toMatchObject({ result: 'denied' });
  });
});
