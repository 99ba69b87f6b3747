import { sql, type SQL } from 'drizzle-orm';
import PgBoss from 'pg-boss';
import type { ZodType } from 'zod';
import { dbHandle, type Queryable } from '@/db/client';
import { logger } from './logger';

/**
 * Background jobs on the database we already run: pg-boss (PostgreSQL-backed, `SKIP LOCKED`, retries with backoff,
 * several instances safe, no second server). A job is *enqueued in the caller's transaction* (`enqueueJob(tx, …)`),
 * so it exists exactly when the change that caused it commits — the outbox rule: nothing is lost, nothing is sent
 * for a change that rolled back. Workers (`startJobWorkers`) run in every instance and take jobs one at a time;
 * pg-boss's row locks make sure two workers never hold the same job. On PGlite (the embedded default) the same
 * queue runs through the single embedded connection.
 *
 * Delivery is at least once: a worker that dies mid-job leaves the job active until it expires
 * (`expireInSeconds`), then it is retried. Handlers must therefore be idempotent (check-then-act in their own
 * transaction, or a receiver that de-duplicates).
 */

export type JobContext = { id: string; retryCount: number };

export type JobDef<T> = {
  /** Queue name: lowercase words with dots or dashes (`delivery.send`, `iceberg.purge`). */
  name: string;
  input: ZodType<T>;
  /** Retries after the first attempt (default 5), with exponential backoff from `retryDelaySecs` (default 10). */
  retryLimit?: number;
  retryDelaySecs?: number;
  /** A job active for longer than this is considered dead and retried (default 15 minutes). */
  expireInSecs?: number;
  /** Jobs of this queue one instance runs at once (default 1): more for jobs that mostly wait on the network. */
  concurrency?: number;
  // Method syntax on purpose: a JobDef<T> is usable wherever any job is listed (JobDef<unknown>).
  run(data: T, job: JobContext): Promise<void>;
};

export function defineJob<T>(def: JobDef<T>): JobDef<T> {
  if (!/^[a-z][a-z0-9._-]*$/.test(def.name)) throw new Error(`bad job name ${def.name}`);
  return def;
}

const SCHEMA = 'pgboss';
/** Arbitrary but fixed: instances preparing the job queues take turns under this transaction-scoped lock. */
const JOBS_LOCK_KEY = 7_361_204_131;

type Executor = { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };

/** pg-boss writes `$1`-style SQL; Drizzle runs it inside our transaction when we hand it over as a template. */
function toDrizzle(text: string, values: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) chunks.push(sql.raw(parts[i]));
    else chunks.push(sql`${sql.param(values[Number(parts[i]) - 1])}`);
  }
  return sql.join(chunks, sql.raw(''));
}

function txExecutor(tx: Queryable): Executor {
  return {
    executeSql: async (text, values) => {
      const res = (await tx.execute(toDrizzle(text, values))) as unknown as { rows: unknown[] };
      return { rows: res.rows };
    },
  };
}

type Client = {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  exec?: (text: string) => Promise<{ rows: unknown[] }[]>;
};

/** The process's own connection: the pool on PostgreSQL, the embedded client on PGlite. */
async function processExecutor(): Promise<Executor> {
  const handle = await dbHandle();
  const client = (handle.db as unknown as { $client: Client }).$client;
  return {
    executeSql: async (text, values) => {
      // PGlite's extended protocol takes one statement; pg-boss sends its schema as one script without values.
      if (handle.kind === 'pglite' && (!values || values.length === 0) && client.exec) {
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      return client.query(text, values);
    },
  };
}

type State = { boss: PgBoss; workers: boolean; queues: Set<string> };
const stateKey = Symbol.for('pangolin.jobs');
type GlobalWithJobs = typeof globalThis & { [stateKey]?: Promise<State> };

function bossFor(executor: Executor, workers: boolean): PgBoss {
  const boss = new PgBoss({
    db: executor,
    schema: SCHEMA,
    migrate: true,
    // Maintenance (expiring dead jobs, archiving) and cron run only where workers run; pg-boss elects one instance
    // for each interval through its own table, so a fleet does it once.
    supervise: workers,
    schedule: workers,
    maintenanceIntervalSeconds: 60,
  });
  boss.on('error', (err: Error) => logger.warn('job queue error', { err: err.message }));
  return boss;
}

async function state(workers = false): Promise<State> {
  const g = globalThis as GlobalWithJobs;
  const current = g[stateKey] ? await g[stateKey] : undefined;
  if (current && (current.workers || !workers)) return current;
  const next = (async () => {
    if (current) await current.boss.stop({ graceful: false, wait: true, close: false }).catch(() => undefined);
    const boss = bossFor(await processExecutor(), workers);
    await boss.start();
    return { boss, workers, queues: new Set<string>(current?.queues ?? []) };
  })();
  g[stateKey] = next;
  next.catch(() => {
    if (g[stateKey] === next) g[stateKey] = undefined;
  });
  return next;
}

async function ensureQueue(s: State, def: JobDef<unknown>): Promise<void> {
  if (s.queues.has(def.name)) return;
  const options = {
    name: def.name,
    retryLimit: def.retryLimit ?? 5,
    retryDelay: def.retryDelaySecs ?? 10,
    retryBackoff: true,
    expireInSeconds: def.expireInSecs ?? 15 * 60,
    retentionMinutes: 7 * 24 * 60,
  };
  if (await s.boss.getQueue(def.name)) await s.boss.updateQueue(def.name, options);
  else {
    await s.boss.createQueue(def.name, options).catch(async (err: Error) => {
      // Two instances creating the same queue at once: the loser finds it made.
      if (!(await s.boss.getQueue(def.name))) throw err;
    });
  }
  s.queues.add(def.name);
}

/**
 * Makes pg-boss's schema and the given queues exist (idempotent; several instances may race). The server calls it
 * at start-up for every job it knows (`lib/ops/jobs.ts`). On PostgreSQL `enqueueJob` also does it on first use; on
 * PGlite it must have happened first, because the embedded database has one connection and the caller's
 * transaction holds it.
 */
export async function prepareJobs(defs: JobDef<unknown>[]): Promise<void> {
  const handle = await dbHandle();
  const prepare = async () => {
    const s = await state();
    for (const def of defs) await ensureQueue(s, def);
  };
  // PGlite is one process's database with one connection: nothing to take turns with.
  if (handle.kind === 'pglite') return prepare();
  // Instances starting together take turns: pg-boss creates each queue as a partition of its job table, and two
  // instances creating queues at once can deadlock on that table (seen with three instances behind HAProxy). The
  // lock is transaction-scoped (fine behind PgBouncer) and held on its own connection while pg-boss works on others.
  for (let attempt = 1; ; attempt++) {
    try {
      await handle.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${JOBS_LOCK_KEY})`);
        await prepare();
      });
      return;
    } catch (err) {
      // A deadlock with something else than another instance's preparation (which the lock orders): try again.
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (code !== '40P01' || attempt >= 5) throw err;
      logger.warn('preparing the job queues met a deadlock; trying again', { attempt });
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function readyFor(def: JobDef<unknown>): Promise<State> {
  const g = globalThis as GlobalWithJobs;
  const current = g[stateKey] ? await g[stateKey] : undefined;
  if (current?.queues.has(def.name)) return current;
  if ((await dbHandle()).kind === 'pglite') {
    throw new Error(`the job queue "${def.name}" is not prepared: call prepareJobs() before enqueueing on PGlite`);
  }
  await prepareJobs([def]);
  return state();
}

/**
 * Enqueues a job in the caller's transaction: it becomes visible to workers when the transaction commits and
 * disappears with it on rollback. `singletonKey` keeps one queued job per key (e.g. one purge per table).
 */
export async function enqueueJob<T>(
  tx: Queryable,
  def: JobDef<T>,
  data: T,
  opts: { singletonKey?: string; startAfterSecs?: number } = {},
): Promise<string | null> {
  const parsed = def.input.parse(data);
  const s = await readyFor(def);
  return s.boss.send(def.name, parsed as object, {
    db: txExecutor(tx),
    singletonKey: opts.singletonKey,
    startAfter: opts.startAfterSecs,
  });
}

/** enqueueJob for many jobs of one queue at once: one statement in the caller's transaction (none for no jobs). */
export async function enqueueJobs<T>(tx: Queryable, def: JobDef<T>, items: T[]): Promise<void> {
  if (!items.length) return;
  const jobs = items.map((d) => ({ name: def.name, data: def.input.parse(d) as object }));
  const s = await readyFor(def);
  await s.boss.insert(jobs, { db: txExecutor(tx) });
}

/** Starts this instance's workers for the given jobs (each instance runs them; a job runs in one at a time). */
export async function startJobWorkers(
  defs: JobDef<unknown>[],
  opts: { pollingIntervalSeconds?: number } = {},
): Promise<void> {
  const s = await state(true);
  for (const def of defs) {
    await ensureQueue(s, def);
    for (let i = 0; i < (def.concurrency ?? 1); i++)
      await s.boss.work(
        def.name,
        { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1, includeMetadata: true },
        async ([job]) => {
          const data = def.input.parse(job.data);
          const retryCount = (job as unknown as { retryCount?: number }).retryCount ?? 0;
          try {
            await def.run(data, { id: job.id, retryCount });
          } catch (err) {
            logger.warn('job failed; it will be retried', { job: def.name, id: job.id, err: (err as Error).message });
            throw err;
          }
        },
      );
  }
}

export type JobStatus = {
  id: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retryCount: number;
  output: unknown;
};

/** A job's state as pg-boss keeps it (or null once it is archived and gone). */
export async function jobStatus(def: JobDef<unknown>, id: string): Promise<JobStatus | null> {
  const s = await state();
  const job = await s.boss.getJobById(def.name, id, { includeArchive: true });
  if (!job) return null;
  return { id: job.id, state: job.state, retryCount: job.retryCount, output: job.output };
}

/** Jobs waiting or running in a queue (for metrics and the deliveries page). */
export async function queueDepth(def: JobDef<unknown>): Promise<number> {
  const s = await state();
  await ensureQueue(s, def);
  return s.boss.getQueueSize(def.name);
}

/** Stops taking jobs, waits for those running (up to `timeoutMs`), keeps the database handle open. */
export async function stopJobWorkers(timeoutMs = 20_000): Promise<void> {
  const g = globalThis as GlobalWithJobs;
  const pending = g[stateKey];
  g[stateKey] = undefined;
  if (!pending) return;
  const s = await pending.catch(() => undefined);
  if (!s) return;
  await new Promise<void>((resolve) => {
    s.boss.once('stopped', () => resolve());
    void s.boss.stop({ graceful: true, timeout: timeoutMs, close: false, wait: false }).catch(() => resolve());
  });
}
