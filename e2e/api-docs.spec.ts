import { expect, test } from '@playwright/test';
import { ROOT, signIn } from './helpers';

test('the API reference opens from the user menu, lists governance operations and tries one with a token, never the session cookie', async ({
  page,
  request,
}) => {
  const cspViolations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/.test(m.text())) cspViolations.push(m.text());
  });
  await signIn(page);
  await page.getByLabel(`User menu for ${ROOT.username}`).click();
  await page.getByRole('link', { name: 'API reference' }).click();
  await expect(page).toHaveURL(/\/api\/docs$/);
  await expect(page.getByRole('heading', { name: 'Pangolin API reference', level: 1 })).toBeVisible();

  // Swagger UI rendered the document: governance tags and operations are listed.
  const reference = page.getByTestId('api-reference');
  for (const tag of ['Users', 'Roles', 'Grants', 'Service users', 'Access requests', 'Authentication', 'Health'])
    await expect(reference.locator(`h3#operations-tag-${tag.replace(/ /g, '_')}`), tag).toBeVisible();
  await reference.locator('h3#operations-tag-Users').click();
  await expect(reference.locator('#operations-Users-postUsers')).toBeVisible();
  await expect(reference.locator('#operations-Users-postUsers')).toContainText('/api/v1/users');

  // Try it: without a token the API refuses (the signed-in session is not used)…
  await reference.locator('h3#operations-tag-Profile').click();
  const me = reference.locator('#operations-Profile-getUsersMe');
  await me.locator('.opblock-summary').click();
  await me.getByRole('button', { name: 'Try it out' }).click();
  const sent: Record<string, string>[] = [];
  page.on('request', async (r) => {
    if (r.url().endsWith('/api/v1/users/me')) sent.push(await r.allHeaders());
  });
  await me.getByRole('button', { name: 'Execute' }).click();
  await expect(me.locator('.live-responses-table tbody .response-col_status').first()).toHaveText(/401/);

  // …with the token the reader pastes under Authorize, it answers who they are.
  const token = (await (await request.post('/api/v1/users/login', { data: ROOT })).json()).token as string;
  await page
    .getByRole('button', { name: /Authorize/ })
    .first()
    .click();
  const dialog = page.locator('.dialog-ux');
  await dialog.getByRole('textbox', { name: 'auth-bearer-value' }).fill(token);
  await dialog.getByRole('button', { name: 'Apply credentials' }).first().click();
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await me.getByRole('button', { name: 'Execute' }).click();
  await expect(me.locator('.live-responses-table tbody .response-col_status').first()).toHaveText(/200/);
  await expect(me.locator('.live-responses-table')).toContainText(`"username": "${ROOT.username}"`);

  expect(sent.length).toBe(2);
  for (const headers of sent) expect(headers.cookie ?? '', 'the session cookie is never sent').toBe('');
  expect(sent[1].authorization).toBe(`Bearer ${token}`);
  expect(cspViolations).toEqual([]);
});
