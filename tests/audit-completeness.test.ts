import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { auditLogs, tenants } from '@/db/schema';
import { AppError, forbidden } from '@/lib/errors';
import { defineMutation, executeMutation, mutationRegistry, type Mutation } from '@/lib/mutation';
import { tenantWorld } from './support/fixtures';

/*
 * Completeness of the audit trail. Every change must be a registered mutation (so executeMutation writes its
 * audit row in the same transaction), and nothing under app/ may write to the database by itself. Modules are
 * found on disk when the suite runs, so a new area or a new action is covered without editing this file.
 */

const root = path.resolve(import.meta.dirname, '..');
const rel = (f: string) => path.relative(root, f);

function walk(dir: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, keep, out);
    else if (keep(full)) out.push(full);
  }
  return out;
}

const source = (f: string) => readFileSync(f, 'utf8');
// Modules that define mutations: every lib/**/mutations.ts, and any other lib file that calls defineMutation.
const mutationModules = walk(path.join(root, 'lib'), (f) => /\.tsx?$/.test(f))
  .filter((f) => path.basename(f) === 'mutations.ts' || /\bdefineMutation\s*\(/.test(source(f)))
  .filter((f) => rel(f) !== path.join('lib', 'mutation.ts'));

const isMutationShaped = (v: unknown): v is Mutation<z.ZodType, unknown> =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as { action?: unknown }).action === 'string' &&
  typeof (v as { run?: unknown }).run === 'function';

const exportsOf = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  for (const f of mutationModules) exportsOf.set(rel(f), await import(/* @vite-ignore */ f));
}, 120_000);

describe('audit completeness: the list of actions', () => {
  it('finds the mutation modules and their registered mutations', () => {
    expect(mutationModules.map(rel)).toEqual(
      expect.arrayContaining([path.join('lib', 'catalog', 'assets.ts'), path.join('lib', 'governance', 'users.ts')]),
    );
    expect(mutationRegistry.size).toBeGreaterThan(10);
  });

  it('every registered mutation is well-formed: action, resource type, zod input, authorize, run', () => {
    const problems: string[] = [];
    for (const [name, m] of mutationRegistry) {
      const why = [
        name !== m.action && `registered as "${name}" but its action is "${m.action}"`,
        !/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(m.action) && 'action is not "area.verb" in lower case',
        !(typeof m.resourceType === 'string' && /^[a-z][a-z0-9_]*$/.test(m.resourceType)) &&
          'resourceType is missing or not snake_case',
        !(m.input instanceof z.ZodType) && 'input is not a zod schema',
        typeof m.authorize !== 'function' && 'authorize is missing',
        typeof m.run !== 'function' && 'run is missing',
        m.revalidate !== undefined && typeof m.revalidate !== 'function' && 'revalidate is not a function',
      ].filter(Boolean);
      if (why.length) problems.push(`${name}: ${why.join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('every exported mutation is registered (a defined but unregistered one would never be walked), and action names are unique', () => {
    const problems: string[] = [];
    for (const [file, mod] of exportsOf) {
      for (const [name, value] of Object.entries(mod)) {
        const values = isMutationShaped(value)
          ? [value]
          : value && typeof value === 'object'
            ? Object.values(value).filter(isMutationShaped)
            : [];
        for (const m of values) {
          const registered = mutationRegistry.get(m.action);
          if (!registered) problems.push(`${file}: ${name} (${m.action}) is not registered with registerMutations`);
          else if (registered !== m)
            problems.push(`${file}: ${name} uses the action "${m.action}", which another mutation also uses`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/* ---------------------------------------------------------------------------------------------------- */

const appFiles = walk(path.join(root, 'app'), (f) => /\.tsx?$/.test(f));

/** Database writes written in place: Drizzle insert/update/delete builders, or SQL that changes rows. */
const DIRECT_WRITES: [RegExp, string][] = [
  [/\.insert\(\s*[\w$.]+\s*\)\s*\.\s*(values|select)\s*\(/, 'Drizzle insert'],
  [/\.update\(\s*[\w$.]+\s*\)\s*\.\s*set\s*\(/, 'Drizzle update'],
  [/\.delete\(\s*[\w$.]+\s*\)\s*\.\s*(where|returning)\s*\(/, 'Drizzle delete'],
  [/\b(db|tx|trx)\s*\.\s*(insert|update|delete)\s*\(/, 'Drizzle write on a database handle'],
  [/\b(INSERT INTO|DELETE FROM|TRUNCATE TABLE|ALTER TABLE|DROP TABLE)\b|\bUPDATE\s+"?\w+"?\s+SET\b/, 'raw SQL write'],
];

const PIPELINE_CALL = /\b(runAction|mutate|executeMutation)\s*\(/;

/** Files this file imports (the @/ alias and relative paths), resolved on disk. */
function importedFiles(file: string): string[] {
  const out: string[] = [];
  for (const [, spec] of source(file).matchAll(/from\s+'([^']+)'/g)) {
    const base = spec.startsWith('@/')
      ? path.join(root, spec.slice(2))
      : spec.startsWith('.')
        ? path.resolve(path.dirname(file), spec)
        : null;
    if (!base) continue;
    const found = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), base].find((c) => {
      try {
        return statSync(c).isFile();
      } catch {
        return false;
      }
    });
    if (found) out.push(found);
  }
  return out;
}

/** Calls the pipeline itself, or through a module it imports (a lib helper that runs executeMutation, a sibling route). */
const goesThroughPipeline = (file: string) =>
  PIPELINE_CALL.test(source(file)) || importedFiles(file).some((f) => PIPELINE_CALL.test(source(f)));

/**
 * Writers that are not mutations, each for a stated reason; they still may not write in place (checked above).
 * A new entry here is a decision for review, not a way to silence the test.
 */
const NOT_MUTATIONS: Record<string, string> = {
  [path.join('app', 'api', 'v1', 'users', 'login', 'route.ts')]:
    'sign-in has no actor yet; lib/auth/login audits success and failure itself',
  [path.join('app', 'setup', 'actions.ts')]: 'creating the first Root has no actor yet; lib/setup audits it',
  [path.join('app', 'forgot-password', 'actions.ts')]:
    'a person who forgot their password has no actor; lib/governance/password-links audits the request itself',
};

describe('audit completeness: nothing under app/ writes around the pipeline', () => {
  it('no page, route, action or component writes to the database in place', () => {
    const problems = appFiles.flatMap((f) =>
      DIRECT_WRITES.filter(([re]) => re.test(source(f))).map(([, what]) => `${rel(f)}: ${what}`),
    );
    expect(problems).toEqual([]);
  });

  it("every 'use server' file and every writing route under app/api/v1 goes through runAction/mutate/executeMutation", () => {
    const serverActions = appFiles.filter((f) => /^\s*['"]use server['"]/m.test(source(f)));
    const writingRoutes = appFiles.filter(
      (f) =>
        rel(f).startsWith(path.join('app', 'api', 'v1')) &&
        path.basename(f) === 'route.ts' &&
        /export\s+(const|async\s+function|function)\s+(POST|PUT|PATCH|DELETE)\b/.test(source(f)),
    );
    expect(serverActions.length).toBeGreaterThan(0);
    const problems = [...serverActions, ...writingRoutes]
      .filter((f) => !NOT_MUTATIONS[rel(f)] && !goesThroughPipeline(f))
      .map((f) => `${rel(f)} changes data without runAction/mutate/executeMutation`);
    expect(problems).toEqual([]);
  });
});

/* ---------------------------------------------------------------------------------------------------- */

describe('audit completeness: behaviour of the pipeline', () => {
  const tag = randomUUID().slice(0, 8);
  const probe = defineMutation({
    action: `test_${tag}.probe`,
    resourceType: 'tenant',
    recordInput: ['tenantId', 'mode', 'note'],
    input: z.object({
      tenantId: z.uuid(),
      mode: z.enum(['ok', 'conflict', 'deny', 'crash']),
      note: z.string().max(20),
    }),
    authorize: async (_tx, _actor, input) => {
      if (input.mode === 'deny') throw forbidden('probe says no');
    },
    run: async (tx, _actor, input) => {
      await tx.update(tenants).set({ description: input.note }).where(eq(tenants.id, input.tenantId));
      if (input.mode === 'conflict') throw new AppError('conflict', 'probe conflict after writing');
      if (input.mode === 'crash') throw new TypeError('probe crashed after writing');
      return {
        data: { done: true },
        audit: {
          resourceId: input.tenantId,
          resourceName: 'probe',
          metadata: { note: input.note, password: 'hunter2' },
        },
      };
    },
  });

  const rowsOf = async (tenantId: string) => {
    const db = await getDb();
    return db
      .select({ result: auditLogs.result, errorMessage: auditLogs.errorMessage, metadata: auditLogs.metadata })
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, tenantId), eq(auditLogs.action, probe.action)));
  };
  const description = async (tenantId: string) => {
    const db = await getDb();
    return (await db.select({ d: tenants.description }).from(tenants).where(eq(tenants.id, tenantId)))[0].d;
  };

  it('a success writes the change and exactly one audit row, in the same transaction', async () => {
    const w = await tenantWorld();
    await executeMutation(probe, w.admin, { tenantId: w.tenant.id, mode: 'ok', note: 'changed' });
    expect(await description(w.tenant.id)).toBe('changed');
    expect(await rowsOf(w.tenant.id)).toEqual([
      { result: 'success', errorMessage: null, metadata: { note: 'changed', password: '[redacted]' } },
    ]);
  });

  it('a failure leaves none of its change: a refusal or an error is audited, bad input writes nothing at all', async () => {
    const w = await tenantWorld();
    await expect(
      executeMutation(probe, w.admin, { tenantId: w.tenant.id, mode: 'conflict', note: 'x1' }),
    ).rejects.toThrow('probe conflict after writing');
    await expect(executeMutation(probe, w.admin, { tenantId: w.tenant.id, mode: 'deny', note: 'x2' })).rejects.toThrow(
      'probe says no',
    );
    await expect(executeMutation(probe, w.admin, { tenantId: w.tenant.id, mode: 'crash', note: 'x3' })).rejects.toThrow(
      /Something went wrong \(request /,
    );
    await expect(
      executeMutation(probe, w.admin, { tenantId: w.tenant.id, mode: 'ok', note: 'this note is far too long' }),
    ).rejects.toThrow(/note/);
    expect(await description(w.tenant.id)).toBeNull();
    const rows = await rowsOf(w.tenant.id);
    expect(rows.map((r) => r.result).sort()).toEqual(['denied', 'failure', 'failure']);
    expect(rows.map((r) => r.errorMessage).sort()).toEqual([
      'Unexpected error',
      'probe conflict after writing',
      'probe says no',
    ]);
  });

  it('every registered mutation, tried by a TenantUser with no grants, either succeeds with exactly one audit row or leaves none', async () => {
    const w = await tenantWorld();
    const db = await getDb();
    const problems: string[] = [];
    for (const [action, m] of mutationRegistry) {
      const successRows = async () =>
        (
          await db
            .select({ n: count() })
            .from(auditLogs)
            .where(and(eq(auditLogs.actorId, w.user.id), eq(auditLogs.action, action), eq(auditLogs.result, 'success')))
        )[0].n;
      const before = await successRows();
      let succeeded = false;
      try {
        await executeMutation(m, w.user, {});
        succeeded = true;
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'internal')
          problems.push(`${action}: unexpected error ${(err as Error).message}`);
      }
      const added = (await successRows()) - before;
      if (added !== (succeeded ? 1 : 0))
        problems.push(`${action}: ${succeeded ? 'succeeded' : 'failed'} and wrote ${added} success rows`);
    }
    expect(problems).toEqual([]);
  });
});
