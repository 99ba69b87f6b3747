import { expect, test, type Page } from '@playwright/test';
import { CONSOLE_PAGES, signIn, tenantWithData, TENANT_PASSWORD } from './helpers';

// Every console page fits a laptop (1,280 px) and a phone (390 px) without scrolling sideways: wide tables scroll
// inside their own box, long names wrap or truncate, never the page.

async function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

for (const width of [1280, 390]) {
  test(`every page fits ${width} px without scrolling sideways`, async ({ page, request }) => {
    test.slow(); // a sweep over every page
    const { admin } = await tenantWithData(request);
    await page.setViewportSize({ width, height: 900 });
    await signIn(page, admin, TENANT_PASSWORD);
    const wide: string[] = [];
    for (const path of CONSOLE_PAGES) {
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
