import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_IDP } from '../playwright.config';
import { ROOT, signIn } from './helpers';

// Single sign-on through a real OpenID Connect provider (oidc-provider, started by playwright.config.ts before the
// console): its own login and consent pages, the code flow with PKCE, state and nonce, provisioning with the
// tenant's group mapping, a group removed at the IdP taking the role away at the next sign-in, and the refusal page.

const uid = () => Math.random().toString(36).slice(2, 8);
const PASSWORD = 'sso-e2e-admin-password';

/** Sets what the IdP says about a test account (its groups) through the test IdP's loopback control path. */
async function idpAccount(login: string, groups: string[]) {
  const res = await fetch(`${E2E_IDP.issuer}/test/accounts/${encodeURIComponent(login)}`, {
    method: 'POST',
    body: JSON.stringify({ groups, email: `${login}@acme.example` }),
  });
  expect(res.status).toBe(204);
}

/** Signs in with the IdP as a person would: the console's button, the IdP's login page, then its consent page. */
async function ssoSignIn(page: Page, login: string, opts: { idpSessionKnown?: boolean } = {}) {
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in with ${E2E_IDP.name}` }).click();
  if (!opts.idpSessionKnown) {
    await expect(page).toHaveURL(new RegExp(`^${E2E_IDP.issuer}/interaction/`));
    await page.getByPlaceholder('Enter any login').fill(login);
    await page.getByPlaceholder('and password').fill('whatever-the-idp-accepts');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }
}

async function freshPage(browser: Browser) {
  const context = await browser.newContext();
  return context.newPage();
}

test('single sign-on: first sign-in provisions with the mapped roles; a removed group removes the role; others are refused', async ({
  page,
  browser,
  request,
}) => {
  // Root makes a tenant; its admin makes a custom role and sets single sign-on up in Settings.
  const root = (await (await request.post('/api/v1/users/login', { data: ROOT })).json()).token as string;
  const tenant = `sso-${uid()}`;
  const admin = `${tenant}-admin`;
  const created = await request.post('/api/v1/tenants', {
    headers: { authorization: `Bearer ${root}` },
    data: { name: tenant, adminUsername: admin, adminPassword: PASSWORD },
  });
  expect(created.status()).toBe(201);
  const adminToken = (
    await (await request.post('/api/v1/users/login', { data: { username: admin, password: PASSWORD } })).json()
  ).token as string;
  const role = await request.post('/api/v1/roles', {
    headers: { authorization: `Bearer ${adminToken}` },
    data: { name: 'analysts', description: 'Given by the analysts group' },
  });
  expect(role.status(), await role.text()).toBe(201);

  const group = `lake-${uid()}`;
  await signIn(page, admin, PASSWORD);
  await page.goto('/settings');
  await expect(page.getByRole('heading', { name: `Single sign-on (${E2E_IDP.name})` })).toBeVisible();
  await page.getByLabel('Admit people from the identity provider').check();
  await page.getByLabel('Values that admit (one a line)').fill(group);
  await page.getByLabel('Group → role (one a line: group = role)').fill(`${group}-analysts = analysts`);
  await page.getByLabel('Whom refused people should ask').fill('data-platform@acme.example');
  await page.getByRole('button', { name: 'Save single sign-on' }).click();
  await expect(page.getByText('Single sign-on saved.')).toBeVisible();

  // A person of the IdP in the tenant's group and the analysts group signs in for the first time.
  const person = `ana-${uid()}`;
  await idpAccount(person, [group, `${group}-analysts`]);
  const personPage = await freshPage(browser);
  await ssoSignIn(personPage, person);
  await expect(personPage.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(personPage.getByText(`Signed in as ${person}`)).toBeVisible();

  // The admin sees the new account with the mapped role.
  await page.goto('/users');
  await page.getByRole('link', { name: person, exact: true }).click();
  const assigned = page.getByRole('list', { name: 'Assigned roles' });
  await expect(assigned.getByRole('link', { name: 'analysts' })).toBeVisible();
  await expect(assigned.getByText('from a single sign-on group')).toBeVisible();

  // The IdP drops the analysts group: the next sign-in takes the role away.
  await idpAccount(person, [group]);
  await personPage.getByText(person, { exact: true }).first().click();
  await personPage.getByRole('button', { name: 'Sign out' }).click();
  await expect(personPage).toHaveURL(/\/login$/);
  await ssoSignIn(personPage, person, { idpSessionKnown: true });
  await expect(personPage.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('list', { name: 'Assigned roles' })).toHaveCount(0);

  // Someone the tenant does not admit gets a clear page saying so, and no account.
  const stranger = `eve-${uid()}`;
  await idpAccount(stranger, ['some-other-team']);
  const strangerPage = await freshPage(browser);
  await ssoSignIn(strangerPage, stranger);
  await expect(strangerPage).toHaveURL(/\/login\/not-admitted\?reason=not_admitted/);
  await expect(strangerPage.getByRole('heading', { name: 'Your account is not admitted' })).toBeVisible();
  await expect(strangerPage.getByText('no tenant of this console admits it')).toBeVisible();
  await strangerPage.goto('/');
  await expect(strangerPage).toHaveURL(/\/login$/);
  await page.goto('/users');
  await expect(page.getByRole('link', { name: stranger })).toHaveCount(0);
});
