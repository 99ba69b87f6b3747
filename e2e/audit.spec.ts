import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('Root filters the audit log, opens an event and verifies the chain', async ({ page }) => {
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();

  // The sign-in just made is on the first page, newest first.
  const table = page.getByRole('table');
  await expect(table.getByRole('link', { name: /^auth\.sign_in at / }).first()).toBeVisible();

  // Filter to the Root account created at start-up (PANGOLIN_ROOT_USER).
  await page.getByLabel('Action (e.g. catalog.*)').fill('user.*');
  await page.getByLabel('Action (e.g. catalog.*)').press('Enter');
  await expect(page).toHaveURL(/action=user\.\*/);
  await expect(table.getByRole('link', { name: /^auth\.sign_in at / })).toHaveCount(0);
  await page.getByLabel('Search text').fill('pangolin_root_user');
  await page.getByLabel('Search text').press('Enter');
  await expect(page).toHaveURL(/q=pangolin_root_user/);
  await expect(page.getByTestId('table-total')).toHaveText('1 total');

  await table.getByRole('link', { name: /^user\.create at / }).click();
  const drawer = page.getByRole('complementary', { name: 'Event detail' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByText('PANGOLIN_ROOT_USER')).toBeVisible();
  await expect(drawer.getByRole('link', { name: 'Open user' })).toBeVisible();
  await expect(page).toHaveURL(/event=/);

  await drawer.getByRole('link', { name: 'Close event detail' }).click();
  await expect(drawer).toBeHidden();
  await expect(page).toHaveURL(/q=pangolin_root_user/);

  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Intact: \d[\d,]* rows in \d+ chains?/ })).toBeVisible();
});
