import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { ROOT, signIn } from './helpers';

// Every console page fits a laptop (1,280 px) and a phone (390 px) without scrolling sideways: wide tables scroll
// inside their own box, long names wrap or truncate, never the page.

const PASSWORD = 'layout-e2e-password';
const uid = () => Math.random().toString(36).slice(2, 8);

async function tenantWithData(request: APIRequestContext) {
  const root = (await (await request.post('/api/v1/users/login', { data: ROOT })).json()).token as string;
  const tenant = `layout-${uid()}`;
  const admin = `${tenant}-admin`;
  const asRoot = { headers: { authorization: `Bearer ${root}` } };
  expect(
    (
      await request.post('/api/v1/tenants', {
        ...asRoot,
        data: { name: tenant, adminUsername: admin, adminPassword: PASSWORD },
      })
    ).status(),
  ).toBe(201);
  const token = (
    await (await request.post('/api/v1/users/login', { data: { username: admin, password: PASSWORD } })).json()
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
  await post('/api/v1/users', { username: `${tenant}-someone-with-a-long-username`, password: PASSWORD });
  return { admin };
}

const PAGES = [
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
  '/audit',
  '/settings',
  '/profile',
];

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const width of [1280, 390]) {
  test(`every page fits ${width} px without scrolling sideways`, async ({ page, request }) => {
    const { admin } = await tenantWithData(request);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, admin, PASSWORD);
    const wide: string[] = [];
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.locator('main h1').first()).toBeVisible();
      const extra = await overflow(page);
      if (extra > 1) wide.push(`${path}: ${extra} px too wide`);
    }
    expect(wide).toEqual([]);
  });
}

for (const width of [1280, 390]) {
  test(`Root's own pages fit ${width} px too`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await signIn(page);
    const wide: string[] = [];
    for (const path of ['/', '/tenants', '/health', '/health/connections', '/health/tables', '/audit']) {
      await page.goto(path);
      await expect(page.locator('main h1').first()).toBeVisible();
      const extra = await overflow(page);
      if (extra > 1) wide.push(`${path}: ${extra} px too wide`);
    }
    expect(wide).toEqual([]);
  });
}
