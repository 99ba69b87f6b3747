import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { CONSOLE_PAGES, signIn, tenantWithData, TENANT_PASSWORD } from './helpers';

// axe-core (WCAG 2 A and AA rules) over every console page: no serious or critical violation.

async function violations(page: Page, path: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${path}: ${v.id} (${v.impact}) on ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

test('the sign-in page has no serious accessibility violation', async ({ page }) => {
  await page.goto('/login');
  expect(await violations(page, '/login')).toEqual([]);
});

test('no console page has a serious accessibility violation', async ({ page, request }) => {
  // A sweep over every page (about 45 s on an idle machine): three times the usual limit, for a busy one.
  test.slow();
  const { admin } = await tenantWithData(request);
  await signIn(page, admin, TENANT_PASSWORD);
  const found: string[] = [];
  for (const path of CONSOLE_PAGES) {
    await page.goto(path);
    await expect(page.locator('main h1').first()).toBeVisible();
    found.push(...(await violations(page, path)));
  }
  expect(found).toEqual([]);
});

test("Root's own pages have no serious accessibility violation", async ({ page }) => {
  await signIn(page);
  const found: string[] = [];
  for (const path of ['/tenants', '/health', '/health/connections']) {
    await page.goto(path);
    await expect(page.locator('main h1').first()).toBeVisible();
    found.push(...(await violations(page, path)));
  }
  expect(found).toEqual([]);
});
