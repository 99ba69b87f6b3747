import { eq, sql } from 'drizzle-orm';
import { Pool } from 'pg';
import { dbHandle, type Db } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { users } from '@/db/schema';
import { appendAudit } from '../audit-chain';
import { applyAuditRetention, ensureAuditPartitions } from '../audit/retention';
import { purgeExpiredTokens } from '../auth/tokens';
import { purgeExpiredIdempotencyKeys } from '../iceberg/idempotency';
import { env, EnvError } from '../env';
import { oidcConfig } from '../auth/oidc';
import { isConnectionError } from '../errors';
import { logger } from '../logger';
import { explainConnectionError } from './connection-errors';
import { hashPassword } from '../passwords';
import { checkKeyFingerprints } from '../key-fingerprints';
import { issueSetupToken } from '../setup';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the database with exponential backoff (1 s doubling to 30 s), saying clearly what is wrong. */
export async function waitForDatabase(maxAttempts = Infinity): Promise<Db> {
  let delay = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const { db } = await dbHandle();
      await db.execute(sql`SELECT 1`);
      return db;
    } catch (err) {
      if (!isConnectionError(err) || attempt >= maxAttempts) {
        throw new Error(explainConnectionError(err, env().DATABASE_URL), { cause: err });
      }
      const target = env().DATABASE_URL ? new URL(env().DATABASE_URL!).host : 'embedded database';
      logger.warn(`${explainConnectionError(err, env().DATABASE_URL)}; retrying in ${delay / 1000}s`, { target });
      await sleep(delay);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

/** Creates the Root account named by PANGOLIN_ROOT_USER on first start; an existing account is left alone. */
export async function bootstrapRootFromEnv(db: Db): Promise<void> {
  const { PANGOLIN_ROOT_USER: username, PANGOLIN_ROOT_PASSWORD: password } = env();
  if (!username || !password) return;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
  if (existing) return;
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ username, passwordHash, role: 'root' })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (!created) return;
    await appendAudit(tx, {
      tenantId: null,
      actor: { id: null, type: 'system', name: 'startup' },
      action: 'user.create',
      resourceType: 'user',
      resourceId: created.id,
      resourceName: username,
      result: 'success',
      metadata: { role: 'root', source: 'PANGOLIN_ROOT_USER' },
    });
  });
  logger.info(`created Root account "${username}" from PANGOLIN_ROOT_USER`);
}

/**
 * No Root yet: print a one-time setup token that /setup asks for (as Jenkins does), so a console reachable by others
 * cannot be taken over by whoever opens it first. On stdout, not through the logger: it is meant for the operator's
 * eyes, once per start, and never stored in clear.
 */
async function announceSetupToken(db: Db): Promise<void> {
  const token = await issueSetupToken(db);
  if (!token) return;
  console.log(
    [
      '',
      '*'.repeat(72),
      'No Root account yet. Open the console at /setup and enter this setup token:',
      '',
      `    ${token}`,
      '',
      'It works until the Root account is created; the next start prints a new one.',
      '(Or set PANGOLIN_ROOT_USER and PANGOLIN_ROOT_PASSWORD to create Root at start-up.)',
      '*'.repeat(72),
      '',
    ].join('\n'),
  );
}

/** Arbitrary but fixed: instances starting together take turns at the start-up housekeeping. */
const MAINTENANCE_LOCK_KEY = 7361204121;

/**
 * Periodic housekeeping: audit partitions ahead of time, expired token records and Iceberg Idempotency-Keys, audit
 * partitions past retention, catalogs' maintenance schedules that are due.
 * Under a transaction-scoped advisory lock (fine behind PgBouncer): instances starting together run it one after
 * the other instead of racing to create the same partitions. After start-up it runs once an hour across the fleet
 * (on the instance that stores the hour's first health sample: lib/health/sampler.ts).
 */
export async function maintenance(db: Db): Promise<void> {
  // The embedded PGlite is one process's single connection: nothing to take turns with (and the lock's open
  // transaction would hold the only connection the work needs).
  if (!((db as { $client?: unknown }).$client instanceof Pool)) return housekeeping(db);
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MAINTENANCE_LOCK_KEY})`);
    await housekeeping(db);
  });
}

async function housekeeping(db: Db): Promise<void> {
  await ensureAuditPartitions(db).catch((err) =>
    logger.warn('creating audit partitions ahead failed; will retry at the next maintenance', { err }),
  );
  await purgeExpiredTokens(db);
  await purgeExpiredIdempotencyKeys(db);
  await applyAuditRetention(db).catch((err) =>
    logger.warn('audit retention failed; will retry at the next maintenance', { err }),
  );
  // Catalogs' maintenance schedules (imported here: the per-table code reaches into the areas' server-only reads,
  // which the CLIs sharing this file must not load).
  await import('../iceberg/maintenance-schedule')
    .then((m) => m.runDueMaintenance(db))
    .then(
      (n) => n && logger.info('scheduled table maintenance enqueued', { catalogs: n }),
      (err) => logger.warn('scheduled maintenance failed; will retry at the next maintenance', { err }),
    );
}

let started: Promise<void> | undefined;

/** Server start-up: wait for the database, migrate (safe with several instances), bootstrap, housekeeping. */
export function startup(): Promise<void> {
  started ??= (async () => {
    env();
    // Single sign-on settings are read at each use; a bad one stops the start, naming the variable.
    const sso = oidcConfig();
    if (sso) logger.info('single sign-on configured', { issuer: sso.issuer, bearerAudience: sso.audience });
    const db = await waitForDatabase();
    const report = await runMigrations(db);
    logger.info('migrations checked', { applied: report.applied.length, alreadyApplied: report.alreadyApplied });
    // Before anything encrypts, signs or chains: the keys must be the database's (never generated over them).
    await checkKeyFingerprints(db);
    await bootstrapRootFromEnv(db);
    await announceSetupToken(db);
    await maintenance(db);
    // Every minute, unref'd, 7 days kept; the hourly housekeeping rides on it so it runs once across the fleet.
    const hourly = () =>
      maintenance(db).then(
        () => logger.info("hourly maintenance done (this instance stored the hour's first health sample)"),
        (err) => logger.warn('maintenance failed', { err }),
      );
    // Imported here, not at the top: the jobs reach into the areas (and their server-only reads), which the CLIs
    // that share this file's waitForDatabase (audit:verify, import:sqlite) must not load.
    await (await import('./jobs')).startBackgroundJobs();
    void import('../health/sampler').then(
      (m) => m.startHealthSampler(db, hourly),
      (err) => logger.warn('health sampler not started', { err }),
    );
  })();
  return started;
}

/** For the server entry: a bad environment is reported plainly and stops the process (no crash loop of traces). */
export async function startupOrExit(): Promise<void> {
  try {
    await startup();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`\n${err.message}\n\nFix the variables above and start again.\n`);
      process.exit(1);
    }
    // Not retryable (TLS verification, login refused, no such database): say so plainly and stop.
    console.error(`\nPangolin Console cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
