import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The Prometheus registry GET /metrics serves. One per process, shared through globalThis: the production server
 * (scripts/server.mjs) registers the HTTP metrics and prom-client's default process metrics into it, the app (loaded
 * by Next through its own bundles) registers the rest here. Names start with `pangolin_`.
 */
const registryKey = Symbol.for('pangolin.metrics');
const defaultsKey = Symbol.for('pangolin.metrics.defaults');
const appKey = Symbol.for('pangolin.metrics.app');
const poolKey = Symbol.for('pangolin.metrics.pool');

type PoolStats = { totalCount: number; idleCount: number; waitingCount: number };
type G = typeof globalThis & {
  [registryKey]?: Registry;
  [defaultsKey]?: boolean;
  [appKey]?: ReturnType<typeof create>;
  [poolKey]?: PoolStats;
};
const g = globalThis as G;

export function metricsRegistry(): Registry {
  const registry = (g[registryKey] ??= new Registry());
  if (!g[defaultsKey]) {
    g[defaultsKey] = true;
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function create(registry: Registry) {
  const registers = [registry];
  return {
    poolConnections: new Gauge({
      name: 'pangolin_db_pool_connections',
      help: "The PostgreSQL pool's connections: total open, idle, and requests waiting for one",
      labelNames: ['state'],
      registers,
      collect() {
        const pool = g[poolKey];
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    }),
    dbStatements: new Counter({
      name: 'pangolin_db_statements_total',
      help: 'Statements sent to PostgreSQL (each a round trip), by server: primary or replica',
      labelNames: ['server'],
      registers,
    }),
    credentialLookups: new Counter({
      name: 'pangolin_credentials_cache_lookups_total',
      help: 'Tokens and API keys looked up in the credentials cache, by result: hit, miss, or off (cache not in use: no change notices heard, or turned off)',
      labelNames: ['result'],
      registers,
    }),
    auditAppend: new Histogram({
      name: 'pangolin_audit_append_seconds',
      help: "Appending one audit row to its tenant's chain (inside the change's transaction)",
      buckets: seconds,
      registers,
    }),
    auditLaneWait: new Histogram({
      name: 'pangolin_audit_lane_wait_seconds',
      help: 'Waiting for a free lane of an audit chain (when the fast path found none)',
      buckets: seconds,
      registers,
    }),
    icebergCommitConflicts: new Counter({
      name: 'pangolin_iceberg_commit_conflicts_total',
      help: 'Iceberg table commits refused because a requirement no longer held (409 CommitFailedException)',
      registers,
    }),
    mergeDuration: new Histogram({
      name: 'pangolin_merge_duration_seconds',
      help: 'Merge operations by phase: preview (computing the result and conflicts) and complete',
      labelNames: ['phase'],
      buckets: seconds,
      registers,
    }),
    /** For the delivery workers (job queue) to set: jobs waiting per queue. */
    deliveryQueueDepth: new Gauge({
      name: 'pangolin_delivery_queue_depth',
      help: 'Deliveries waiting in the job queue, by queue',
      labelNames: ['queue'],
      registers,
    }),
    /** For the delivery workers to count: deliveries that failed (each attempt). */
    deliveryFailures: new Counter({
      name: 'pangolin_delivery_failures_total',
      help: 'Delivery attempts that failed, by queue',
      labelNames: ['queue'],
      registers,
    }),
  };
}

/** The app's metrics (created once per process, in the shared registry). */
export function appMetrics() {
  return (g[appKey] ??= create(metricsRegistry()));
}

/** The pool whose connections `pangolin_db_pool_connections` reports (db/client.ts, when it opens one). */
export function observePool(pool: PoolStats): void {
  g[poolKey] = pool;
}

/** Seconds elapsed since `start` (from `performance.now()`). */
export const since = (start: number) => (performance.now() - start) / 1000;
