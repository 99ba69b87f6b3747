// The pangolin CLI driven as a person drives it: spawned as a separate process (node cli/pangolin.mjs), with its own
// config folder, against the real /api/v1 route handlers behind a loopback HTTP server (tests/support/api-server.ts:
// not `next start`, so Next's router, proxy and build are not part of what this proves) and real PostgreSQL.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { setBusinessMetadata } from '@/lib/catalog/assets';
import { API_TYPES_FILE, apiTypesSource } from '@/scripts/cli-api-types';
import { startApiServer, type ApiServer } from './support/api-server';
import { createUser, uniqueName } from './support/fixtures';
import { run, tablesOn, versioningWorld } from './support/versioning';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const CLI = path.resolve(import.meta.dirname, '../cli/pangolin.mjs');
const PASSWORD = 'cli-test-password-1';
let server: ApiServer;

beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => {
  await server?.close();
});

type Result = { code: number; stdout: string; stderr: string };

/** Runs `pangolin <args>` as a user would, with its own config folder (XDG_CONFIG_HOME). */
function pangolin(home: string, args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}) {
  return new Promise<Result>((resolve, reject) => {
    const { PANGOLIN_TOKEN: _t, PANGOLIN_PASSWORD: _p, ...inherited } = process.env;
    const env = { ...inherited, XDG_CONFIG_HOME: home, PANGOLIN_SERVER: server.url, ...opts.env };
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
const json = (r: Result) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const noStack = (r: Result) => expect(r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)|node:internal|\.ts:\d+/);
const home = () => mkdtempSync(path.join(os.tmpdir(), 'pangolin-cli-'));

async function personWithPassword(role: 'tenant_admin' | 'tenant_user' | 'root', tenantId: string | null) {
  const u = await createUser({ role, tenantId, password: PASSWORD, username: uniqueName(role.replace('_', '')) });
  const dir = home();
  const r = await pangolin(dir, ['login', '-u', u.username, '--password-stdin'], { stdin: `${PASSWORD}\n` });
  expect(r.code, r.stderr).toBe(0);
  return { ...u, home: dir };
}

// Each command is a new Node process (about a second under tsx), so these run longer than most tests.
describe('pangolin CLI', { timeout: 300_000 }, () => {
  it('its typed client is generated from the served document (npm run cli:types leaves cli/api.d.ts unchanged)', async () => {
    expect(await apiTypesSource(), 'cli/api.d.ts is stale: run npm run cli:types').toBe(
      readFileSync(API_TYPES_FILE, 'utf8'),
    );
  });

  it('signs in (token stored 0600), answers in table, JSON and YAML, and uses exit codes 0, 1 and 2 with clear messages', async () => {
    const w = await versioningWorld();
    const u = await createUser({ role: 'tenant_admin', tenantId: w.tenant.id, password: PASSWORD });
    const dir = home();

    const help = await pangolin(dir, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('merge');

    // Usage errors: 2, with commander's message and no stack trace.
    const unknown = await pangolin(dir, ['catalog', 'list', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    noStack(unknown);
    const missing = await pangolin(dir, ['namespace', 'create', 'sales']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'namespace'");
    noStack(missing);
    const badFormat = await pangolin(dir, ['-o', 'xml', 'whoami']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Allowed choices are table, json, yaml');
    const badTable = await pangolin(dir, ['table', 'create', 'sales', 'orders', '--metadata-location', 's3://x/y']);
    expect(badTable.code).toBe(2);
    expect(badTable.stderr).toContain('<namespace>.<table>');

    // Refusals: 1.
    const anonymous = await pangolin(dir, ['whoami']);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('Not signed in: run `pangolin login`');
    const wrong = await pangolin(dir, ['login', '-u', u.username, '--password-stdin'], { stdin: 'not-the-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^pangolin: .*(password|credentials)/i);
    noStack(wrong);
    const noPassword = await pangolin(dir, ['login', '-u', u.username]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('--password-stdin');
    const unreachable = await pangolin(
      dir,
      ['--server', 'http://127.0.0.1:9', 'login', '-u', 'x', '--password-stdin'],
      {
        stdin: 'x',
      },
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('Could not reach the server');
    noStack(unreachable);

    const login = await pangolin(dir, ['login', '-u', u.username, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Signed in to ${server.url} as ${u.username}`);
    const file = path.join(dir, 'pangolin', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toMatchObject({ server: server.url, username: u.username });
    expect(stored.token).toMatch(/^ey/);

    expect(json(await pangolin(dir, ['whoami', '-o', 'json']))).toMatchObject({ kind: 'user', username: u.username });
    const yaml = await pangolin(dir, ['-o', 'yaml', 'catalog', 'list']);
    expect(yaml.code).toBe(0);
    expect(parseYaml(yaml.stdout).rows.map((r: { name: string }) => r.name)).toEqual(['sales']);
    const table = await pangolin(dir, ['catalog', 'list']);
    expect(table.stdout).toMatch(/name\s*│\s*catalogType/);
    expect(table.stdout).toMatch(/sales\s*│\s*local/);

    // A refusal from the server: its message, exit 1.
    const dup = await pangolin(dir, ['catalog', 'create', 'sales', '--warehouse', 'lake']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^pangolin: .*sales/);
    noStack(dup);
    const validation = await pangolin(dir, ['user', 'create', 'x', '--email', 'not-an-email']);
    expect(validation.code).toBe(1);
    expect(validation.stderr).toMatch(/email/i);

    // Namespaces and tables, created and deleted.
    expect((await pangolin(dir, ['namespace', 'create', 'sales', 'apac'])).code).toBe(0);
    const created = await pangolin(dir, [
      'table',
      'create',
      'sales',
      'apac.refunds',
      '--metadata-location',
      's3://lake/sales/refunds/v1.metadata.json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const tables = json(await pangolin(dir, ['-o', 'json', 'table', 'list', 'sales', 'apac']));
    expect(tables.rows.map((r: { name: string }) => r.name)).toEqual(['refunds']);
    expect((await pangolin(dir, ['table', 'delete', 'sales', 'apac.refunds'])).code).toBe(0);
    expect(json(await pangolin(dir, ['-o', 'json', 'table', 'list', 'sales', 'apac'])).rows).toEqual([]);
    expect((await pangolin(dir, ['namespace', 'delete', 'sales', 'apac'])).code).toBe(0);

    // Signing out revokes the token: the next call is refused.
    const token = stored.token;
    expect((await pangolin(dir, ['logout'])).code).toBe(0);
    const after = await pangolin(dir, ['whoami'], { env: { PANGOLIN_TOKEN: token } });
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('Invalid, expired or revoked credentials');
    expect(server.undocumented).toEqual([]);
  });

  it('branches, merges with a conflict, resolves it and completes the merge', async () => {
    const w = await versioningWorld();
    const admin = await personWithPassword('tenant_admin', w.tenant.id);
    await w.create('main', 'orders');
    await w.create('main', 'customers');
    const branch = await pangolin(admin.home, ['branch', 'create', 'sales', 'dev']);
    expect(branch.code, branch.stderr).toBe(0);
    await w.update('dev', 'orders', 'dev');
    await w.update('main', 'orders', 'main');
    await w.update('dev', 'customers', 'dev');
    expect(json(await pangolin(admin.home, ['-o', 'json', 'branch', 'list', 'sales'])).rows.length).toBe(2);

    const preview = await pangolin(admin.home, ['merge', 'preview', 'sales', 'dev']);
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('Merging dev into main: 1 change(s), 1 conflict(s)');

    const started = json(
      await pangolin(admin.home, ['-o', 'json', 'merge', 'start', 'sales', 'dev', '-m', 'Ship dev']),
    );
    expect(started.operation).toMatchObject({ status: 'conflicted', openConflicts: 1 });
    const conflicts = json(await pangolin(admin.home, ['-o', 'json', 'merge', 'conflicts', started.operation.id]));
    expect(conflicts.rows).toHaveLength(1);
    const early = await pangolin(admin.home, ['merge', 'complete', started.operation.id]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/conflict/i);
    const neither = await pangolin(admin.home, ['merge', 'resolve', conflicts.rows[0].id]);
    expect(neither.code).toBe(2);
    const resolved = await pangolin(admin.home, ['merge', 'resolve', conflicts.rows[0].id, '--take', 'source']);
    expect(resolved.code, resolved.stderr).toBe(0);
    const done = await pangolin(admin.home, ['merge', 'complete', started.operation.id]);
    expect(done.code, done.stderr).toBe(0);
    expect(await tablesOn(w, 'main')).toMatchObject({
      orders: 's3://lake/sales/orders/vdev.metadata.json',
      customers: 's3://lake/sales/customers/vdev.metadata.json',
    });

    expect((await pangolin(admin.home, ['tag', 'create', 'sales', 'v1', '-m', 'First release'])).code).toBe(0);
    expect(json(await pangolin(admin.home, ['-o', 'json', 'tag', 'list', 'sales'])).rows[0]).toMatchObject({
      name: 'v1',
    });
    expect((await pangolin(admin.home, ['tag', 'delete', 'sales', 'v1'])).code).toBe(0);
    expect((await pangolin(admin.home, ['branch', 'delete', 'sales', 'dev'])).code).toBe(0);
    expect(server.undocumented).toEqual([]);
  });

  it('grants, approves an access request, creates a service user (key once), exports and verifies the audit trail', async () => {
    const w = await versioningWorld();
    await w.create('main', 'orders');
    const admin = await personWithPassword('tenant_admin', w.tenant.id);
    const analyst = await personWithPassword('tenant_user', w.tenant.id);

    // A grant to a role, and the role given to a person.
    expect((await pangolin(admin.home, ['role', 'create', 'readers', '--description', 'Read sales'])).code).toBe(0);
    const granted = await pangolin(admin.home, [
      'grant',
      'create',
      '--role',
      'readers',
      '--catalog',
      'sales',
      '--actions',
      'list',
    ]);
    expect(granted.code, granted.stderr).toBe(0);
    expect(granted.stdout).toMatch(/Granted list on catalog sales to readers \(grant [0-9a-f-]{36}\)/);
    const grants = json(await pangolin(admin.home, ['-o', 'json', 'grant', 'list', '--role', 'readers']));
    expect(grants.rows).toHaveLength(1);
    expect(grants.rows[0]).toMatchObject({ scopeType: 'catalog', actions: ['list'] });
    const two = await pangolin(admin.home, ['grant', 'list', '--role', 'readers', '--user', analyst.username]);
    expect(two.code).toBe(2);
    expect((await pangolin(admin.home, ['role', 'assign', 'readers', analyst.username])).code).toBe(0);

    // The analyst may not read the table yet: they ask, a steward approves, then they can.
    const asset = await w.create('main', 'refunds');
    await run(setBusinessMetadata, w.admin, { assetId: asset.assetId, description: 'Refunds', discoverable: true });
    const denied = await pangolin(analyst.home, ['user', 'list']);
    expect(denied.code).toBe(1);
    noStack(denied);
    const asked = json(
      await pangolin(analyst.home, [
        '-o',
        'json',
        'access',
        'request',
        'sales',
        'emea.refunds',
        '--reason',
        'Quarterly refunds report',
      ]),
    );
    expect(asked.status).toBe('pending');
    const queue = json(await pangolin(admin.home, ['-o', 'json', 'access', 'list', '--status', 'pending']));
    expect(queue.rows.map((r: { id: string }) => r.id)).toContain(asked.id);
    const approved = await pangolin(admin.home, ['access', 'approve', asked.id, '--comment', 'ok']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(new RegExp(`Request ${asked.id} approved \\(grant [0-9a-f-]{36}\\)`));
    const again = await pangolin(admin.home, ['access', 'reject', asked.id]);
    expect(again.code).toBe(1);
    const mine = json(await pangolin(analyst.home, ['-o', 'json', 'access', 'list', '--mine']));
    expect(mine.rows[0]).toMatchObject({ id: asked.id, status: 'approved' });

    // A service user: the key is printed once, never listed.
    const su = await pangolin(admin.home, ['service-user', 'create', 'etl-nightly']);
    expect(su.code, su.stderr).toBe(0);
    const key = su.stdout.match(/pgl_[0-9a-f]{16}_[A-Za-z0-9_-]+/)?.[0];
    expect(key).toBeDefined();
    const listed = await pangolin(admin.home, ['-o', 'json', 'service-user', 'list']);
    expect(listed.stdout).not.toContain(key);
    expect(JSON.parse(listed.stdout).rows[0]).toMatchObject({ name: 'etl-nightly', active: true });

    // The audit trail: searched, exported with progress on stderr, verified.
    const search = json(
      await pangolin(admin.home, ['-o', 'json', 'audit', 'search', '--action', 'access_request.decide']),
    );
    expect(search.rows).toHaveLength(1);
    const out = path.join(admin.home, 'audit.csv');
    const exported = await pangolin(admin.home, ['audit', 'export', '--format', 'csv', '--file', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(exported.stderr).toContain(`exported ${csv.length - 1} event(s) to ${out}`);
    expect(csv.join('\n')).toContain('access_request.decide');
    expect(csv.join('\n')).toContain('permission.grant');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const verify = await pangolin(admin.home, ['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/The audit chains are intact \(\d+ rows\)/);

    // Root: health and tenants; `tenant use` is Root's alone.
    const root = await personWithPassword('root', null);
    const health = await pangolin(root.home, ['-o', 'json', 'health']);
    expect(health.code, health.stderr).toBe(0);
    expect(JSON.parse(health.stdout).checks.length).toBeGreaterThan(3);
    expect((await pangolin(admin.home, ['health'])).code).toBe(1);
    expect((await pangolin(admin.home, ['tenant', 'use', w.tenant.name])).stderr).toContain('Only Root');
    expect((await pangolin(root.home, ['tenant', 'use', w.tenant.name])).code).toBe(0);
    const rootCatalogs = json(await pangolin(root.home, ['-o', 'json', 'catalog', 'list']));
    expect(rootCatalogs.rows.map((r: { name: string }) => r.name)).toEqual(['sales']);
    expect((await pangolin(root.home, ['tenant', 'use', 'no-such-tenant'])).code).toBe(1);
    // A tenant as the reference system makes one (no admin), its admin added separately, then deleted.
    const fresh = uniqueName('cli');
    const made = await pangolin(root.home, ['tenant', 'create', fresh, '--property', 'owner=platform']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(new RegExp(`^Created tenant ${fresh} \\([0-9a-f-]{36}\\)\n$`));
    const firstAdmin = await pangolin(root.home, [
      '--tenant',
      fresh,
      'user',
      'create',
      uniqueName('a'),
      '--role',
      'tenant_admin',
    ]);
    expect(firstAdmin.code, firstAdmin.stderr).toBe(0);
    expect(firstAdmin.stdout).toContain('temporary password (shown once)');
    const tenants = json(await pangolin(root.home, ['-o', 'json', 'tenant', 'list', '-q', fresh]));
    expect(tenants.rows).toEqual([expect.objectContaining({ name: fresh, userCount: 1 })]);
    expect((await pangolin(root.home, ['tenant', 'delete', fresh])).code).toBe(0);

    const snippet = await pangolin(admin.home, ['snippet', 'sales', 'emea.orders']);
    expect(snippet.code).toBe(0);
    for (const engine of ['PyIceberg', 'Spark', 'Trino', 'DuckDB']) expect(snippet.stdout).toContain(`# ${engine}`);
    expect(snippet.stdout).toContain(`uri="${server.url}"`);
    expect(server.undocumented).toEqual([]);
  });
});
