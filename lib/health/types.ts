import type { Tx } from '@/db/client';

/** ok / warning / critical come from a check's own assessment; the others describe why there is none. */
export type HealthStatus = 'ok' | 'warning' | 'critical' | 'timed_out' | 'failed' | 'not_applicable';

export type AreaId =
  'connections' | 'queries' | 'statements' | 'tables' | 'safety' | 'settings' | 'migrations' | 'trends';

export const AREAS: { id: AreaId; title: string; href: string }[] = [
  { id: 'connections', title: 'Connections', href: '/health/connections' },
  { id: 'queries', title: 'Queries', href: '/health/queries' },
  { id: 'statements', title: 'Query statistics', href: '/health/statements' },
  { id: 'tables', title: 'Tables and indexes', href: '/health/tables' },
  { id: 'safety', title: 'Safety', href: '/health/safety' },
  { id: 'settings', title: 'Settings', href: '/health/settings' },
  { id: 'migrations', title: 'Migrations', href: '/health/migrations' },
  { id: 'trends', title: 'Trends', href: '/health/trends' },
];

/** Alert thresholds. Connection and wraparound limits are fractions of the server's own settings. */
export type Thresholds = {
  connectionsWarnPct: number;
  connectionsCriticalPct: number;
  idleInTransactionWarnSecs: number;
  idleInTransactionCriticalSecs: number;
  longRunningSecs: number;
  longRunningCriticalSecs: number;
  blockedWarnSecs: number;
  blockedCriticalSecs: number;
  cacheHitWarnPct: number;
  cacheHitCriticalPct: number;
  /** Below this many block accesses a hit rate says nothing. */
  cacheHitMinBlocks: number;
  slowQueryMeanMs: number;
  slowQueryMinCalls: number;
  seqScanMinRows: number;
  seqScanIndexPct: number;
  unusedIndexMinBytes: number;
  /** Statistics younger than this make "unused" untrustworthy. */
  statsMinAgeDays: number;
  sequenceWarnPct: number;
  sequenceCriticalPct: number;
  replicationLagSecs: number;
  samplerStaleSecs: number;
};

export const DEFAULT_THRESHOLDS: Thresholds = {
  connectionsWarnPct: 80,
  connectionsCriticalPct: 95,
  idleInTransactionWarnSecs: 300,
  idleInTransactionCriticalSecs: 3600,
  longRunningSecs: 60,
  longRunningCriticalSecs: 600,
  blockedWarnSecs: 5,
  blockedCriticalSecs: 60,
  cacheHitWarnPct: 99,
  cacheHitCriticalPct: 95,
  cacheHitMinBlocks: 1000,
  slowQueryMeanMs: 20,
  slowQueryMinCalls: 100,
  seqScanMinRows: 10_000,
  seqScanIndexPct: 95,
  unusedIndexMinBytes: 1024 * 1024,
  statsMinAgeDays: 7,
  sequenceWarnPct: 90,
  sequenceCriticalPct: 98,
  replicationLagSecs: 5,
  samplerStaleSecs: 300,
};

/** Per-check limits, applied with SET LOCAL inside the check's own transaction. */
export type Timeouts = { statementTimeoutMs: number; lockTimeoutMs: number };
export const DEFAULT_TIMEOUTS: Timeouts = { statementTimeoutMs: 2000, lockTimeoutMs: 500 };

/** The server facts every check may use (read once per page, itself under a timeout). */
export type ServerContext = {
  kind: 'postgres' | 'pglite';
  versionNum: number;
  version: string;
  database: string;
  currentUser: string;
  maxConnections: number;
  reservedConnections: number;
  autovacuumFreezeMaxAge: number;
  autovacuumMultixactFreezeMaxAge: number;
  autovacuumVacuumScaleFactor: number;
  autovacuumVacuumThreshold: number;
  sharedPreloadLibraries: string;
  inRecovery: boolean;
  uptimeSecs: number | null;
  /** Seconds since this database's statistics were last reset; null = never reset. */
  statsResetAgeSecs: number | null;
  databaseBytes: number;
  /** The console's own connection pool (PostgreSQL only). */
  pool: { max: number; total: number; idle: number; waiting: number } | null;
  thresholds: Thresholds;
  /** Set when the context itself could not be read and defaults stand in. */
  degraded?: string;
};

export type Assessment = { status: 'ok' | 'warning' | 'critical'; figure: string; reason: string };

export type CheckDef<T> = {
  id: string;
  area: AreaId;
  title: string;
  /** Why the check does not apply on the embedded PGlite; absent = it applies. */
  notOnPglite?: string;
  run: (tx: Tx, ctx: ServerContext) => Promise<T>;
  assess: (data: T, ctx: ServerContext) => Assessment;
};

/** A check of any data shape (the registry and the runner hold them all). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each check's data type differs; the list holds them all
export type AnyCheckDef = CheckDef<any>;

export type CheckResult<T = unknown> = {
  id: string;
  area: AreaId;
  title: string;
  status: HealthStatus;
  figure: string;
  reason: string;
  /** Present only when the check ran and details were asked for. */
  data?: T;
  ms: number;
};
