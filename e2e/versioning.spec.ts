import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { signIn } from './helpers';

/**
 * A person branches a catalog, changes the same table on both sides, previews the merge, resolves the conflict
 * by taking the source, completes it, and finds the merge commit in main's history.
 */

const stamp = Date.now().toString(36);
const tenant = `vers-${stamp}`;
const admin = { username: `vadmin-${stamp}`, password: 'versioning-e2e-password-1' };
const loc = (v: string) => `s3://lake/sales/orders/${v}.metadata.json`;

/** The session cookie is a bearer token for the API (the same signed token). */
async function bearer(context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'));
  expect(cookie, 'session cookie').toBeDefined();
  return { authorization: `Bearer ${cookie!.value}` };
}

async function api(
  request: APIRequestContext,
  headers: Record<string, string>,
  method: 'post',
  path: string,
  data: unknown,
) {
  const res = await request[method](path, { headers, data });
  expect(res.status(), `${method.toUpperCase()} ${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

async function changeTable(page: Page, branch: string, location: string) {
  await page.goto(`/branches/${branch}?catalog=sales`);
  const form = page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: 'Change a table on this branch' }) });
  await form.getByRole('combobox', { name: 'Table', exact: true }).selectOption({ label: 'emea.orders' });
  await form.getByLabel('New metadata location').fill(location);
  await form.getByRole('button', { name: 'Commit change' }).click();
  await expect(
    form.getByRole('status').filter({ hasText: `Committed the new metadata location of orders on ${branch}` }),
  ).toBeVisible();
}

test('branch, change both sides, resolve by taking the source, complete, see the merge commit', async ({
  page,
  context,
  request,
}) => {
  // Set-up through the API: Root creates a tenant and its admin; the admin creates a catalog with one table.
  await signIn(page);
  await api(request, await bearer(context), 'post', '/api/v1/tenants', {
    name: tenant,
    adminUsername: admin.username,
    adminPassword: admin.password,
  });
  await context.clearCookies();
  await signIn(page, admin.username, admin.password);
  const auth = await bearer(context);
  await api(request, auth, 'post', '/api/v1/warehouses', { name: 'lake', storageType: 'local', rootPath: 'lake' });
  await api(request, auth, 'post', '/api/v1/catalogs', { catalogType: 'local', name: 'sales', warehouse: 'lake' });
  await api(request, auth, 'post', '/api/v1/catalogs/sales/namespaces', { namespace: ['emea'] });
  await api(request, auth, 'post', '/api/v1/catalogs/sales/namespaces/emea/assets', {
    name: 'orders',
    metadataLocation: loc('v1'),
  });

  // Create a branch from main.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Branches' }).click();
  await page.getByRole('link', { name: 'sales' }).click();
  await expect(page.getByRole('heading', { name: 'Branches of sales' })).toBeVisible();
  await page.getByRole('link', { name: 'New branch' }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('dev');
  await page.getByRole('button', { name: 'Create branch' }).click();
  await expect(page.getByRole('heading', { name: /Branch dev/ })).toBeVisible();
  await expect(page.getByText('0 commits ahead, 0 behind')).toBeVisible();

  // The same table changes on both sides.
  await changeTable(page, 'dev', loc('dev'));
  await changeTable(page, 'main', loc('main'));

  // Preview: one conflict, base / source / target side by side.
  await page.goto('/branches/dev?catalog=sales');
  await expect(page.getByText('1 commit ahead, 1 behind')).toBeVisible();
  await page.getByRole('link', { name: 'Merge into main' }).click();
  await expect(page.getByRole('heading', { name: 'Merge dev into main' })).toBeVisible();
  await expect(page.getByText('1 conflict', { exact: true })).toBeVisible();
  const preview = page.getByRole('region', { name: 'Conflict on emea.orders' });
  await expect(preview.getByText(loc('v1'))).toBeVisible();
  await expect(preview.getByText(loc('dev'))).toBeVisible();
  await expect(preview.getByText(loc('main'))).toBeVisible();

  // Start, resolve by taking the source, complete.
  await page.getByRole('button', { name: 'Start merge' }).click();
  await expect(page.getByRole('heading', { name: /Merge dev into main/ })).toBeVisible();
  await expect(page.getByText('conflicted', { exact: true })).toBeVisible();
  const conflict = page.getByRole('region', { name: 'Conflict on emea.orders' });
  await expect(conflict.getByText('Both branches changed emea.orders differently since the merge base')).toBeVisible();
  await conflict.getByRole('button', { name: 'Take source' }).click();
  await expect(
    conflict.getByRole('status').filter({ hasText: 'Resolved; the merge is ready to complete.' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Complete merge' }).click();
  await expect(page.getByText('completed', { exact: true })).toBeVisible();
  await expect(page.getByText('Merge commit', { exact: true })).toBeVisible();

  // main's history shows the merge commit; main holds the source's table.
  await page.getByRole('link', { name: 'main', exact: true }).first().click();
  await expect(page.getByRole('heading', { name: /Branch main/ })).toBeVisible();
  const history = page.getByRole('region', { name: 'History' });
  const mergeRow = history.getByRole('row').filter({ hasText: 'Merge branch "dev" into "main"' });
  await expect(mergeRow).toBeVisible();
  await expect(mergeRow.getByText('merge', { exact: true })).toBeVisible();
  await mergeRow.getByRole('link').first().click();
  await expect(page.getByText('Merged in')).toBeVisible();
  await expect(page.getByText(loc('dev')).first()).toBeVisible();
  // The changed table's name opens it as it was right after this commit.
  await page.getByRole('link', { name: 'emea.orders' }).click();
  await expect(page).toHaveURL(/\/catalogs\/sales\/assets\/[0-9a-f-]+\?at=[0-9a-f-]+$/);
  await expect(page.getByText(/as it was at commit/)).toBeVisible();
  await page.goto('/branches/browse?catalog=sales&ref=main');
  await expect(page.getByRole('row').filter({ hasText: 'emea.orders' }).getByText(loc('dev'))).toBeVisible();
});
