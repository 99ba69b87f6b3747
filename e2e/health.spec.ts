import { expect, test } from '@playwright/test';
import pg from 'pg';
import { signIn } from './helpers';

const TILES = [
  'Connections',
  'Idle in transaction',
  'Long-running queries',
  'Blocked sessions',
  'Query statistics',
  'Cache hit rate',
  'Space',
  'Dead rows and vacuum',
  'Unused indexes',
  'Duplicate indexes',
  'Transaction ID wraparound',
  'Sequences near their maximum',
  'Replication',
  'Settings review',
  'Migrations',
  'Trend sampler',
];

test('Root opens database health and sees a status tile per check', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Database health' }).click();
  await expect(page.getByRole('heading', { name: 'Database health', level: 1 })).toBeVisible();
  for (const title of TILES) {
    const tile = page.getByRole('article', { name: title, exact: true });
    await expect(tile, title).toBeVisible();
    await expect(tile.getByText(/^(OK|Warning|Critical|Timed out|Failed|Does not apply)$/)).toBeVisible();
  }
  await expect(
    page.getByRole('article', { name: 'Migrations', exact: true }).getByText('OK', { exact: true }),
  ).toBeVisible();

  // A tile leads to its area page, which shows the details.
  await page
    .getByRole('article', { name: 'Sequences near their maximum' })
    .getByRole('link', { name: /Details/ })
    .click();
  await expect(page).toHaveURL(/\/health\/safety/);
  await expect(page.getByRole('heading', { name: 'Sequences near their maximum', level: 2 })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Database health areas' })
    .getByRole('link', { name: 'Query statistics' })
    .click();
  await expect(page.getByRole('heading', { name: 'Query statistics', level: 2 })).toBeVisible();
});

test('Root terminates an idle-in-transaction session after confirming', async ({ page }) => {
  test.skip(!process.env.E2E_DATABASE_URL, 'needs PostgreSQL: the embedded database has no other sessions');
  const idle = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL, application_name: 'e2e-idle-session' });
  idle.on('error', () => undefined);
  await idle.connect();
  try {
    const { rows } = await idle.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await idle.query('BEGIN');
    await idle.query('SELECT 1');
    await signIn(page);
    await page.goto('/health/connections');
    const sessions = page.getByRole('table', { name: 'Sessions idle in transaction' });
    const row = sessions.getByRole('row').filter({ hasText: 'e2e-idle-session' });
    await expect(row).toContainText(String(rows[0].pid));
    await row.getByRole('button', { name: 'Terminate' }).click();
    const dialog = page.getByRole('dialog', { name: `Terminate backend ${rows[0].pid}?` });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Terminate session' }).click();
    await expect(dialog).toBeHidden();
    await expect(idle.query('SELECT 1')).rejects.toThrow();
    await page.reload();
    await expect(
      page
        .getByRole('table', { name: 'Sessions idle in transaction' })
        .getByRole('row')
        .filter({ hasText: 'e2e-idle-session' }),
    ).toHaveCount(0);
  } finally {
    await idle.end().catch(() => undefined);
  }
});

test('the trends page charts rates from the stored snapshots', async ({ page }) => {
  test.skip(!process.env.E2E_DATABASE_URL, 'needs PostgreSQL to add snapshots from outside the server');
  const c = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await c.connect();
  try {
    // Half an hour of snapshots: 10 commits a second, a steady size.
    await c.query(`INSERT INTO db_health_samples
      SELECT date_trunc('minute', now()) - make_interval(mins => g), '{"active": 2, "idle": 3}', 1000000 - g * 600, 100, 50, 990000 - g * 900, 8000000
      FROM generate_series(2, 31) g ON CONFLICT DO NOTHING`);
  } finally {
    await c.end();
  }
  await signIn(page);
  await page.goto('/health/trends?range=1h');
  await expect(page.getByRole('link', { name: 'Last hour' })).toHaveAttribute('aria-current', 'page');
  for (const title of [
    'Transactions per second',
    'Block hits and reads per second',
    'Cache hit rate (%)',
    'Connections by state (whole server)',
    'Database size',
  ]) {
    const chart = page.getByRole('figure', { name: title });
    await expect(chart).toBeVisible();
    await expect(chart.locator('svg.recharts-surface').first()).toBeVisible();
  }
});
