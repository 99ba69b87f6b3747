import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const ROOT = { username: 'admin', password: 'e2e-admin-password' };

/** Signs in through the real page, as a person would. */
export async function signIn(page: Page, username = ROOT.username, password = ROOT.password) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** The password of the accounts tenantWithData makes. */
export const TENANT_PASSWORD = 'layout-e2e-password';
const uid = () => Math.random().toString(36).slice(2, 8);

/** A tenant with its admin, a warehouse, a catalog, a nested namespace with a long-named table, and a second user. */
export async function tenantWithData(request: APIRequestContext) {
  const root = (await (await request.post('/api/v1/users/login', { data: ROOT })).json()).token as string;
  const tenant = `layout-${uid()}`;
  const admin = `${tenant}-admin`;
  const asRoot = { headers: { authorization: `Bearer ${root}` } };
  expect(
    (
      await request.post('/api/v1/tenants', {
        ...asRoot,
        data: { name: tenant, adminUsername: admin, adminPassword: TENANT_PASSWORD },
      })
    ).status(),
  ).toBe(201);
  const token = (
    await (await request.post('/api/v1/users/login', { data: { username: admin, password: TENANT_PASSWORD } })).json()
  ).token as string;
  const as = { headers: { authorization: `Bearer ${token}` } };
  const post = async (path: string, data: unknown) => {
    const r = await request.post(path, { ...as, data });
    expect(r.status(), `${path}: ${await r.text()}`).toBeLessThan(300);
    return r.json();
  };
  await post('/api/v1/warehouses', { name: 'wh', storageType: 'local', rootPath: 'wh' });
  await post('/api/v1/catalogs', { name: 'lake', catalogType: 'local', warehouse: 'wh' });
  await post('/api/v1/catalogs/lake/namespaces', { namespace: ['sales', 'a_rather_long_namespace_name_for_wrapping'] });
  await post('/api/v1/catalogs/lake/namespaces/sales.a_rather_long_namespace_name_for_wrapping/assets', {
    name: 'orders_with_a_very_long_table_name_that_must_not_widen_the_page',
  });
  await post('/api/v1/users', { username: `${tenant}-someone-with-a-long-username`, password: TENANT_PASSWORD });
  return { admin };
}

/** The tenant pages of the console, as a TenantAdmin of tenantWithData's tenant sees them. */
export const CONSOLE_PAGES = [
  '/',
  '/catalogs',
  '/catalogs/lake',
  '/warehouses',
  '/search',
  '/branches?catalog=lake',
  '/merges?catalog=lake',
  '/users',
  '/roles',
  '/service-users',
  '/access-requests',
  '/tokens',
  '/webhooks',
  '/deliveries',
  '/audit',
  '/settings',
  '/profile',
];
