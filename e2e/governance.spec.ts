import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import { ROOT, signIn } from './helpers';

const PASSWORD = 'governance-e2e-password';
const uid = () => Math.random().toString(36).slice(2, 8);

/** Root, over the API: a tenant with a catalog lake, namespace sales and a table; people with passwords. */
async function world(request: APIRequestContext) {
  const login = await request.post('/api/v1/users/login', {
    data: { username: ROOT.username, password: ROOT.password },
  });
  expect(login.status()).toBe(200);
  const rootToken = (await login.json()).token as string;
  const tenantName = `gov-${uid()}`;
  const adminName = `admin-${uid()}`;
  const t = await request.post('/api/v1/tenants', {
    headers: { authorization: `Bearer ${rootToken}` },
    data: { name: tenantName, adminUsername: adminName, adminPassword: PASSWORD },
  });
  expect(t.status(), await t.text()).toBe(201);
  const adminToken = (
    await (await request.post('/api/v1/users/login', { data: { username: adminName, password: PASSWORD } })).json()
  ).token as string;
  const as = { headers: { authorization: `Bearer ${adminToken}` } };
  const post = async (path: string, data: unknown) => {
    const r = await request.post(path, { ...as, data });
    expect(r.status(), `${path}: ${await r.text()}`).toBeLessThan(300);
    return r.json();
  };
  await post('/api/v1/warehouses', { name: 'wh', storageType: 'local', rootPath: 'wh' });
  const catalog = await post('/api/v1/catalogs', { catalogType: 'local', name: 'lake', warehouse: 'wh' });
  await post('/api/v1/catalogs/lake/namespaces', { namespace: ['sales'] });
  const table = `orders_${uid()}`;
  const asset = await post('/api/v1/catalogs/lake/namespaces/sales/assets', { name: table });
  await post(`/api/v1/assets/${asset.assetId}/metadata`, {
    description: 'All orders',
    tags: ['sales'],
    discoverable: true,
  });
  const person = async (prefix: string) => {
    const username = `${prefix}-${uid()}`;
    const u = await post('/api/v1/users', { username, password: PASSWORD });
    return { id: u.id as string, username };
  };
  return {
    adminName,
    adminToken,
    catalogId: catalog.id as string,
    assetId: asset.assetId as string,
    table,
    person,
    post,
  };
}

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, username, PASSWORD);
  return page;
}

test('a steward approves an access request and the requester then has access', async ({ browser, request }) => {
  const w = await world(request);
  const requester = await w.person('ana');
  const steward = await w.person('sam');
  const stewards = await w.post('/api/v1/roles', {
    name: `Stewards-${uid()}`,
    grants: [{ scopeType: 'catalog', catalogId: w.catalogId, actions: ['read', 'manage-discovery'] }],
  });
  await w.post(`/api/v1/users/${steward.id}/roles`, { roleId: stewards.id });

  // The requester finds the discoverable table and asks for read access. A TenantUser's navigation offers only what
  // they can use: no Users, Roles, Service users, Settings or Warehouses (each would only say "not allowed").
  const ana = await signedIn(browser, requester.username);
  const anaNav = ana.getByRole('navigation', { name: 'Main' });
  await expect(anaNav.getByRole('link', { name: 'Access requests' })).toBeVisible();
  for (const hidden of ['Users', 'Roles', 'Service users', 'Settings', 'Warehouses', 'Tenants', 'Database health']) {
    await expect(anaNav.getByRole('link', { name: hidden, exact: true })).toHaveCount(0);
  }
  // Typed by hand, database health says whose it is rather than "not found".
  await ana.goto('/health');
  await expect(ana.getByText('Only Root can see database health')).toBeVisible();
  await ana.goto('/access-requests/new');
  await ana.getByRole('link', { name: `Request access to ${w.table}` }).click();
  await ana.getByLabel('Why do you need it?').fill('Weekly revenue report');
  await ana.getByRole('button', { name: 'Send request' }).click();
  await expect(ana.getByRole('heading', { name: `Access to lake.sales.${w.table}` })).toBeVisible();
  await expect(ana.getByText('Pending', { exact: true })).toBeVisible();
  const requestUrl = ana.url();
  // Until approved, the table's page shows only what discovery allows.
  const assetPage = `/catalogs/lake/assets/${w.assetId}`;
  await ana.goto(assetPage);
  await expect(ana.getByText('Discoverable only')).toBeVisible();
  await expect(ana.getByText('Metadata location', { exact: true })).toHaveCount(0);
  // …and says the request is pending, with a way to it, instead of offering another.
  await expect(ana.getByRole('link', { name: 'Request access' })).toHaveCount(0);
  await ana.getByRole('link', { name: 'See your pending request' }).click();
  await expect(ana).toHaveURL(requestUrl);

  // The steward sees it in the queue, filtered by requester, and approves it.
  const sam = await signedIn(browser, steward.username);
  // Their navigation says one request waits for them.
  await expect(sam.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Access requests/ })).toHaveText(
    /Access requests\s*1 waiting for a decision/,
  );
  await sam.goto('/access-requests');
  await sam.getByLabel('Requester').fill(requester.username);
  await expect(sam).toHaveURL(new RegExp(`requester=${requester.username}`));
  await expect(sam.getByTestId('table-total')).toHaveText('1 total');
  await sam.getByRole('link', { name: `lake.sales.${w.table}` }).click();
  await expect(sam.getByText('Weekly revenue report')).toBeVisible();
  await sam.getByLabel('Comment (optional)').fill('ok for the report');
  await sam.getByRole('button', { name: 'Approve' }).click();
  await expect(sam.getByText('Approved', { exact: true })).toBeVisible();
  await expect(sam.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // The requester sees the outcome, and the grant in their effective permissions, with why.
  await ana.goto(requestUrl);
  await expect(ana.getByText('Approved', { exact: true })).toBeVisible();
  await expect(ana.getByText('ok for the report')).toBeVisible();
  await ana.getByRole('link', { name: 'See your effective permissions' }).click();
  const row = ana
    .getByRole('table', { name: 'Effective permissions' })
    .getByRole('row', { name: new RegExp(`table ${w.table} in catalog lake`) });
  await expect(row).toContainText('read, list');
  await expect(row).toContainText('direct grant');
  // …and they can now open the table itself,
  await ana.goto(assetPage);
  await expect(ana.getByRole('heading', { name: w.table })).toBeVisible();
  await expect(ana.getByText('Metadata location', { exact: true })).toBeVisible();
  await expect(ana.getByText('Discoverable only')).toHaveCount(0);
  // …and read it over the API.
  const anaToken = (
    await (
      await request.post('/api/v1/users/login', { data: { username: requester.username, password: PASSWORD } })
    ).json()
  ).token;
  const metadata = await request.get(`/api/v1/assets/${w.assetId}/metadata`, {
    headers: { authorization: `Bearer ${anaToken}` },
  });
  expect(metadata.status()).toBe(200);
});

test('an admin builds a role in the grant builder and assigns it', async ({ browser, request }) => {
  const w = await world(request);
  const member = await w.person('lee');
  const admin = await signedIn(browser, w.adminName);
  const roleName = `Analysts-${uid()}`;

  await admin.goto('/roles');
  await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(roleName);
  await admin.getByLabel('Description').fill('Read the sales area');
  await admin.getByRole('button', { name: 'Create role' }).click();
  await expect(admin.getByRole('heading', { name: roleName })).toBeVisible();
  await expect(admin.getByText('This role grants nothing yet')).toBeVisible();

  // Grant builder: browse to namespace sales of catalog lake, pick read + ingest-branching.
  await admin.getByRole('radio', { name: 'Namespace (and its children)' }).check();
  await admin.getByLabel('Choose catalog').selectOption({ label: 'lake' });
  await admin.getByLabel('Choose namespace').selectOption({ label: 'sales' });
  await admin.getByRole('checkbox', { name: /ingest-branching/ }).check();
  await admin.getByRole('button', { name: 'Add grant' }).click();
  const grants = admin.getByRole('table', { name: 'Grants' });
  await expect(grants.getByRole('row', { name: /namespace sales in catalog lake \(and its children\)/ })).toContainText(
    'ingest-branching',
  );

  // A table too, by browsing one level further.
  await admin.getByRole('radio', { name: 'Table or view' }).check();
  await admin.getByLabel('Choose catalog').selectOption({ label: 'lake' });
  await admin.getByLabel('Choose namespace').selectOption({ label: 'sales' });
  await admin.getByLabel('Choose table or view').selectOption({ label: w.table });
  await admin.getByRole('button', { name: 'Add grant' }).click();
  await expect(grants.getByRole('row', { name: new RegExp(`table ${w.table} in catalog lake`) })).toBeVisible();

  // Assign it.
  await admin.getByLabel('User', { exact: true }).selectOption({ label: member.username });
  await admin.getByRole('button', { name: 'Assign role' }).click();
  await expect(admin.getByRole('list', { name: 'Members' }).getByRole('link', { name: member.username })).toBeVisible();

  // The member's effective permissions show the grants and why.
  await admin.getByRole('list', { name: 'Members' }).getByRole('link', { name: member.username }).click();
  const eff = admin.getByRole('table', { name: 'Effective permissions' });
  await expect(eff.getByRole('row', { name: /namespace sales in catalog lake/ })).toContainText(`role ${roleName}`);

  // Deleting the role while assigned asks for confirmation by name.
  await admin.goto('/roles');
  await admin.getByRole('link', { name: roleName }).click();
  await admin.getByRole('button', { name: 'Delete role' }).click();
  await expect(admin.getByRole('dialog')).toContainText('assigned to 1 user');
  await expect(admin.getByRole('button', { name: 'Remove from users and delete' })).toBeDisabled();
  await admin.getByRole('dialog').getByRole('textbox').fill(roleName);
  await admin.getByRole('button', { name: 'Remove from users and delete' }).click();
  await expect(admin).toHaveURL(/\/roles$/);
  await expect(admin.getByRole('link', { name: roleName })).toHaveCount(0);
});

test('a service user key is shown once, then never again', async ({ browser, request }) => {
  const w = await world(request);
  const admin = await signedIn(browser, w.adminName);
  await admin.goto('/service-users');
  const name = `etl-${uid()}`;
  await admin.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await admin.getByRole('button', { name: 'Create service user' }).click();
  const key = await admin.getByLabel('API key').textContent();
  expect(key).toMatch(/^pgl_[0-9a-f]{16}_/);
  const me = await request.get('/api/v1/users/me', { headers: { 'x-api-key': key! } });
  expect(me.status()).toBe(200);
  await admin.reload();
  await expect(admin.getByLabel('API key')).toHaveCount(0);
  await admin.getByRole('link', { name }).click();
  await expect(admin.getByText(key!)).toHaveCount(0);
  await expect(admin.getByText(`pgl_${key!.slice(4, 20)}_…`)).toBeVisible();
});

test('an admin sees that someone is locked out by failed sign-ins and clears the lock', async ({
  request,
  browser,
}) => {
  const w = await world(request);
  const victim = await w.person('locked');
  for (let i = 0; i < 5; i++) {
    const r = await request.post('/api/v1/users/login', {
      data: { username: victim.username, password: `wrong password ${i}` },
    });
    expect(r.status()).toBe(401);
  }
  expect(
    (await request.post('/api/v1/users/login', { data: { username: victim.username, password: PASSWORD } })).status(),
  ).toBe(429);
  const admin = await signedIn(browser, w.adminName);
  await admin.goto(`/users/${victim.id}`);
  await admin.getByRole('button', { name: 'Clear sign-in locks' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Clear locks' }).click();
  await expect(admin.getByRole('button', { name: 'Clear sign-in locks' })).toHaveCount(0);
  expect(
    (await request.post('/api/v1/users/login', { data: { username: victim.username, password: PASSWORD } })).status(),
  ).toBe(200);
});

test('a person changes their own password from the profile, and signs in with the new one', async ({
  browser,
  request,
}) => {
  const w = await world(request);
  const ana = await w.person('prof');
  const page = await signedIn(browser, ana.username);
  await page.getByLabel(`User menu for ${ana.username}`).click();
  await page.getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { name: 'Profile', level: 1 })).toBeVisible();

  await page.getByLabel('Display name').fill('Ana Profile');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();

  const newPassword = `${PASSWORD}-renewed`;
  await page.getByLabel('Current password').fill('not-my-password');
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('This is not your current password').last()).toBeVisible();
  await expect(page.getByLabel('Current password')).toBeFocused();

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();
  await expect(page.getByLabel('Display name')).toHaveValue('Ana Profile');

  // The menu stays open across the client-side navigation to the profile: open it only if it is closed.
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (!(await signOut.isVisible())) await page.getByLabel(`User menu for ${ana.username}`).click();
  await signOut.click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, ana.username, newPassword);
});

test('an account made with a temporary password must choose its own at first sign-in', async ({ browser, request }) => {
  const w = await world(request);
  const admin = await signedIn(browser, w.adminName);
  await admin.goto('/users');
  const username = `temp-${uid()}`;
  await admin.getByLabel('Username').fill(username);
  await admin.getByRole('button', { name: 'Create user' }).click();
  const temporary = (await admin.getByLabel('Temporary password').textContent())!.trim();
  expect(temporary.length).toBeGreaterThan(8);

  const page = await (await browser.newContext()).newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(temporary);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByText('You signed in with a temporary password')).toBeVisible();
  await page.goto('/catalogs');
  await expect(page).toHaveURL(/\/profile$/);

  const mine = `${PASSWORD}-mine`;
  await page.getByLabel('Current password').fill(temporary);
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill(mine);
  await page.getByLabel('Confirm new password').fill(mine);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();
  await page.goto('/catalogs');
  await expect(page.getByRole('heading', { name: 'Catalogs', level: 1 })).toBeVisible();
});

test('a person turns on two-factor sign-in, signs in with a code, and an admin resets it', async ({
  browser,
  request,
}) => {
  const w = await world(request);
  const ana = await w.person('tfa');
  const page = await signedIn(browser, ana.username);
  await page.goto('/profile');
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByAltText('QR code holding your two-factor secret')).toBeVisible();
  const key = (await page.getByLabel('Two-factor key').textContent())!.trim();
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  // The code an authenticator app would show for this key (RFC 6238 defaults).
  const totp = new TOTP({ secret: Secret.fromBase32(key) });
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByText('This code does not match').last()).toBeVisible();
  await page.getByLabel('Code from the app').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  const codes = page.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!.trim();
  await page.getByRole('button', { name: 'I have stored them' }).click();
  await expect(page.getByText(/^On since /)).toBeVisible();
  await expect(page.getByText('Recovery codes left')).toBeVisible();

  // Signing in now asks for a code after the password; a wrong one is refused, a recovery code works once.
  const next = await (await browser.newContext()).newPage();
  await next.goto('/login');
  await next.getByLabel('Username').fill(ana.username);
  await next.getByLabel('Password').fill(PASSWORD);
  await next.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(next.getByLabel('Two-factor code')).toBeFocused();
  await next.getByLabel('Two-factor code').fill('123456');
  await next.getByRole('button', { name: 'Verify' }).click();
  await expect(next.getByRole('alert').filter({ hasText: 'Wrong two-factor code' })).toBeVisible();
  await next.getByLabel('Two-factor code').fill(recovery);
  await next.getByRole('button', { name: 'Verify' }).click();
  await expect(next.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();

  // The admin resets it (a lost device): the next sign-in takes the password alone.
  const admin = await signedIn(browser, w.adminName);
  await admin.goto('/users');
  await expect(
    admin.getByRole('row', { name: new RegExp(ana.username) }).getByText('on', { exact: true }),
  ).toBeVisible();
  await admin.goto(`/users/${ana.id}`);
  // The confirmation dialog takes focus (Cancel, the safe choice) and gives it back when dismissed.
  const reset = admin.getByRole('button', { name: 'Reset two-factor' });
  await reset.click();
  await expect(admin.getByRole('dialog').getByRole('button', { name: 'Cancel' })).toBeFocused();
  await admin.keyboard.press('Escape');
  await expect(reset).toBeFocused();
  await reset.click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Reset two-factor' }).click();
  await expect(admin.getByRole('status', { name: 'Notifications' })).toContainText('Two-factor sign-in reset.');
  await expect(reset).toHaveCount(0);
  // The button is gone with the factor: focus moved to the page's content, not lost to the document.
  await expect(admin.locator('#content')).toBeFocused();
  await signedIn(browser, ana.username);
});

test('an admin picks the default catalog in Settings, and Iceberg clients naming no warehouse get it', async ({
  browser,
  request,
}) => {
  const w = await world(request);
  const other = await w.post('/api/v1/catalogs', { catalogType: 'local', name: 'other', warehouse: 'wh' });
  const bearer = { headers: { authorization: `Bearer ${w.adminToken}` } };
  // Two catalogs and no default: /v1/config needs ?warehouse=.
  expect((await request.get('/v1/config', bearer)).status()).toBe(400);
  const page = await signedIn(browser, w.adminName);
  await page.goto('/settings');
  await page.getByLabel('Default catalog').selectOption({ label: 'other' });
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByText('Settings saved.').first()).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Default catalog')).toHaveValue(other.id);
  const config = await request.get('/v1/config', bearer);
  expect(config.status()).toBe(200);
  expect((await config.json()).overrides.prefix).toBe(other.id);
});
