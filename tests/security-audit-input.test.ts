/**
 * Secrets never reach the append-only audit log (issue "Tenant boundaries", item 4): every mutation declares the
 * input fields an audit row may carry; refusals and successes record only those, and a secret-named key or a
 * secret value of the call is redacted wherever it would land.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createTenant } from '@/lib/catalog/tenants';
import { createWarehouse } from '@/lib/catalog/warehouses';
import { createUser } from '@/lib/governance/users';
import { updateSettings } from '@/lib/governance/settings';
import { executeMutation, mutationRegistry, recordableInput, SECRET_NAME, type AnyMutation } from '@/lib/mutation';
import { tenantWorld } from './support/fixtures';

const root = path.resolve(import.meta.dirname, '..');
function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const f = path.join(dir, e);
    if (statSync(f).isDirectory()) walk(f, out);
    else if (/\.ts$/.test(f)) out.push(f);
  }
  return out;
}

beforeAll(async () => {
  for (const f of walk(path.join(root, 'lib')).filter(
    (f) => f.endsWith('mutations.ts') || /defineMutation\(/.test(readFileSync(f, 'utf8')),
  )) {
    if (!f.endsWith(`lib${path.sep}mutation.ts`)) await import(/* @vite-ignore */ f);
  }
}, 120_000);

/** Every property name of a zod schema, at any depth (objects, unions, arrays, records). */
function fieldNames(schema: z.ZodType): { top: string[]; all: string[] } {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const top = new Set<string>();
  const all = new Set<string>();
  const visit = (s: unknown, depth: number) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    for (const [k, v] of Object.entries((o.properties as Record<string, unknown>) ?? {})) {
      if (depth === 0) top.add(k);
      all.add(k);
      visit(v, depth + 1);
    }
    for (const k of ['anyOf', 'oneOf', 'allOf']) for (const v of (o[k] as unknown[]) ?? []) visit(v, depth);
    if (o.items) visit(o.items, depth + 1);
  };
  visit(js, 0);
  return { top: [...top], all: [...all] };
}

describe('every mutation declares what its audit rows may carry', () => {
  it('lists only real, non-secret input fields, and nothing else of an input is ever recorded', () => {
    expect(mutationRegistry.size).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const [action, m] of mutationRegistry) {
      if (!Array.isArray(m.recordInput)) {
        problems.push(`${action}: no recordInput`);
        continue;
      }
      const { top, all } = fieldNames(m.input);
      for (const k of m.recordInput) {
        if (SECRET_NAME.test(k)) problems.push(`${action}: records the secret field ${k}`);
        if (!top.includes(k)) problems.push(`${action}: records ${k}, which is not an input field`);
      }
      // Every field filled with a marker: none of a secret-named field's markers survives into what is recorded.
      const markers = new Map<string, string>();
      const input: Record<string, unknown> = {};
      for (const k of top) {
        const v = `SECRET-${action}-${k}-${randomUUID()}`;
        markers.set(k, v);
        input[k] = SECRET_NAME.test(k) ? v : { nested: v, password: `${v}-pw`, 's3.secret-access-key': `${v}-sk` };
      }
      const recorded = JSON.stringify(recordableInput(m, input));
      for (const [k, v] of markers) {
        if (SECRET_NAME.test(k) && recorded.includes(v)) problems.push(`${action}: ${k} recorded`);
        if (!m.recordInput.includes(k) && recorded.includes(v))
          problems.push(`${action}: ${k} recorded but not on its list`);
        if (recorded.includes(`${v}-pw`) || recorded.includes(`${v}-sk`))
          problems.push(`${action}: a nested secret under ${k} recorded`);
      }
      expect(all.length).toBeGreaterThanOrEqual(top.length);
    }
    expect(problems).toEqual([]);
  });
});

describe('no secret lands in audit_logs', () => {
  it('refused and accepted changes carrying keys, passwords and tokens leave none of them in any row', async () => {
    const w = await tenantWorld();
    const mark = (what: string) => `SECRET-${what}-${randomUUID()}`;
    const secrets: string[] = [];
    const s = (what: string) => {
      const v = mark(what);
      secrets.push(v);
      return v;
    };
    const attempts: [AnyMutation, typeof w.admin, Record<string, unknown>][] = [
      // The case: a refused warehouse create with an Azure account key and a GCS service account key.
      [
        createWarehouse,
        w.user,
        {
          name: 'az',
          storageType: 'azure',
          container: 'c',
          accountName: 'acct',
          accountKey: s('accountKey'),
          sasToken: s('sas'),
        },
      ],
      [
        createWarehouse,
        w.user,
        { name: 'gcs', storageType: 'gcs', bucket: 'b', serviceAccountJson: JSON.stringify({ private_key: s('pk') }) },
      ],
      [
        createWarehouse,
        w.admin,
        {
          name: 'dup',
          storageType: 's3',
          bucket: 'dup-bucket',
          accessKeyId: s('akid'),
          secretAccessKey: s('sak'),
          vendingStrategy: 'sts',
          roleArn: 'arn:aws:iam::123456789012:role/vending',
          externalId: s('externalId'),
        },
      ],
      [
        createWarehouse,
        w.admin,
        { name: 'dup', storageType: 's3', bucket: 'dup-bucket', accessKeyId: s('akid2'), secretAccessKey: s('sak2') },
      ],
      [
        createCatalog,
        w.user,
        {
          catalogType: 'federated',
          name: 'fed',
          url: 'https://example.invalid/catalog',
          authType: 'oauth2',
          clientId: 'id',
          clientSecret: s('cs'),
          token: s('tok'),
        },
      ],
      [createUser, w.user, { username: `u${randomUUID().slice(0, 8)}`, role: 'tenant_user', password: s('pw') }],
      [
        createTenant,
        w.admin,
        { name: `t${randomUUID().slice(0, 8)}`, adminUsername: 'x-admin', adminPassword: s('apw') },
      ],
      [updateSettings, w.user, { smtpHost: 'smtp.example.com', smtpPassword: s('smtp') }],
    ];
    for (const [m, actor, input] of attempts) await executeMutation(m, actor, input).catch(() => undefined);
    const db = await getDb();
    const rows = (
      await db.execute<{ row: string }>(
        sql`SELECT a::text AS row FROM audit_logs a WHERE a.tenant_id = ${w.tenant.id} OR a.tenant_id IS NULL`,
      )
    ).rows;
    expect(rows.length).toBeGreaterThanOrEqual(attempts.length);
    const leaked = secrets.filter((v) => rows.some((r) => r.row.includes(v)));
    expect(leaked).toEqual([]);
    // The refusals are still recorded, with their allowed fields.
    const [refused] = (
      await db.execute<{ input: Record<string, unknown> }>(
        sql`SELECT metadata->'input' AS input FROM audit_logs WHERE tenant_id = ${w.tenant.id} AND action = 'warehouse.create' AND result = 'denied' AND resource_name = 'az'`,
      )
    ).rows;
    expect(refused.input).toEqual({
      name: 'az',
      storageType: 'azure',
      container: 'c',
      accountName: 'acct',
      pathStyle: false,
      vendingStrategy: 'none',
      allowStatic: false,
      remoteSigning: false,
    });
  });
});
