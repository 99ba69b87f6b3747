// PANGOLIN_PASSWORD_LOGIN=false: HTTP Basic credentials are refused on /api/v1 (bearer tokens and API keys still work).
import { describe, expect, it, vi } from 'vitest';
import * as meRoute from '@/app/api/v1/users/me/route';
import * as appConfigRoute from '@/app/api/v1/app-config/route';
import { call, PASSWORD, signedIn } from './support/catalog';
import { createUser, tenantWorld } from './support/fixtures';

vi.hoisted(() => {
  process.env.PANGOLIN_PASSWORD_LOGIN = 'false';
});
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

describe('PANGOLIN_PASSWORD_LOGIN=false', () => {
  it('refuses Basic credentials, even right ones, saying what to send instead; tokens still work', async () => {
    const w = await tenantWorld();
    const u = await createUser({ role: 'tenant_user', tenantId: w.tenant.id, password: PASSWORD });
    const basic = `Basic ${Buffer.from(`${u.username}:${PASSWORD}`).toString('base64')}`;
    const refused = await call(meRoute.GET, '/api/v1/users/me', { headers: { authorization: basic } });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe(
      'Password sign-in is turned off on this server: send a Bearer token or an X-API-Key header',
    );
    const user = await signedIn('tenant_user', w.tenant.id);
    expect((await call(meRoute.GET, '/api/v1/users/me', { as: user })).status).toBe(200);
    expect((await call(appConfigRoute.GET, '/api/v1/app-config')).body.passwordLogin).toBe(false);
  });
});
