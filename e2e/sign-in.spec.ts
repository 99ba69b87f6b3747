import { expect, test } from '@playwright/test';
import { ROOT, signIn } from './helpers';

test('a wrong password is refused with a clear message', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Username').fill(ROOT.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong username or password' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test('the sign-in page shows only its own messages, whatever text a link puts in ?error=', async ({ page }) => {
  await page.goto('/login?error=Your%20account%20is%20suspended.%20Call%20%2B1-555-0100');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(page.getByText('Call +1-555-0100')).toHaveCount(0);
  await page.goto('/login?error=SessionRequired');
  await expect(page.getByText('Sign in to continue.')).toBeVisible();
});

test('Root signs in, sees the console, and signs out', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' })).toBeVisible();
  await expect(page.getByText('Signed in as admin')).toBeVisible();
  await expect(page.getByLabel('Tenant')).toBeVisible();

  await page.getByText('admin', { exact: true }).first().click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('a tampered session cookie does not get in', async ({ page, context }) => {
  await signIn(page);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name.endsWith('next-auth.session-token'));
  expect(session).toBeDefined();
  await context.addCookies([{ ...session!, value: `${session!.value.slice(0, -4)}AAAA` }]);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('an unknown address answers 404 with a page in the console look and a way back', async ({ page }) => {
  await signIn(page);
  const res = await page.goto('/no-such-page/anywhere');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the overview' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test('the first Tab stop skips the navigation to the page itself', async ({ page }) => {
  await signIn(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#content')).toBeFocused();
});

test('Root switching tenant stays in the same area of the console', async ({ page, request }) => {
  const rootToken = (await (await request.post('/api/v1/users/login', { data: ROOT })).json()).token;
  const name = `switch-${Math.random().toString(36).slice(2, 8)}`;
  const created = await request.post('/api/v1/tenants', {
    headers: { authorization: `Bearer ${rootToken}` },
    data: { name, adminUsername: `${name}-admin`, adminPassword: 'switch-admin-password' },
  });
  expect(created.status()).toBe(201);

  await signIn(page);
  await page.goto('/catalogs');
  await page.getByLabel('Tenant', { exact: true }).selectOption({ label: name });
  await expect(page).toHaveURL(/\/catalogs$/);
  await expect(page.getByRole('heading', { name: 'Catalogs', level: 1 })).toBeVisible();
  await expect(page.getByText('Choose a tenant first')).toHaveCount(0);
});
