import { expect, type Page } from '@playwright/test';

export const ROOT = { username: 'admin', password: 'e2e-admin-password' };

/** Signs in through the real page, as a person would. */
export async function signIn(page: Page, username = ROOT.username, password = ROOT.password) {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}
