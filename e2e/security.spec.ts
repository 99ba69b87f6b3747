import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('every page carries the security headers, with a per-request CSP nonce', async ({ request }) => {
  const seen = new Set<string>();
  for (const path of ['/login', '/setup', '/api/health']) {
    const res = await request.get(path, { maxRedirects: 0 });
    const h = res.headers();
    expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy'], path).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(h['content-security-policy'], path).not.toContain("script-src 'self' 'unsafe-inline'");
    expect(h['x-frame-options'], path).toBe('DENY');
    expect(h['referrer-policy'], path).toBe('strict-origin-when-cross-origin');
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['x-request-id'], path).toMatch(/^[\w.-]+$/);
    seen.add(h['content-security-policy'].match(/nonce-([^']+)/)![1]);
  }
  expect(seen.size).toBe(3);
});

test('the session cookie is HttpOnly and SameSite, and the page still hydrates under the CSP', async ({
  page,
  context,
}) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await signIn(page);
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('next-auth.session-token'))!;
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe('Lax');
  // The theme toggle only works once React hydrated: proof that scripts ran under the nonce policy.
  await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect(page.locator('html')).toHaveClass(/dark|light/);
  expect(violations).toEqual([]);
});

test('server actions called from another origin are refused', async ({ page }) => {
  await signIn(page);
  const html = await (await page.request.get('/')).text();
  const actionIds = [...html.matchAll(/name="\$ACTION_ID_([0-9a-f]+)"/g)].map((m) => m[1]);
  expect(actionIds.length).toBeGreaterThan(0); // the tenant switcher and sign-out forms
  for (const id of actionIds) {
    const res = await page.request.post('/', {
      headers: { Origin: 'https://evil.example', 'Next-Action': id },
      multipart: { [`$ACTION_ID_${id}`]: '' },
      maxRedirects: 0,
    });
    expect(res.status(), `action ${id}`).toBeGreaterThanOrEqual(400);
  }
  // Still signed in: the cross-origin "sign out" did nothing.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});
