import { sql } from 'drizzle-orm';
import { formatCount, formatDuration, formatPct } from './format';
import { plural } from '@/lib/format';
import { rows, userSchema } from './sql';
import type { Assessment, CheckDef } from './types';

/** Transaction IDs wrap at 2^31; PostgreSQL stops accepting writes shortly before. */
export const WRAPAROUND_LIMIT = 2 ** 31;
const HALF_WAY = WRAPAROUND_LIMIT / 2;

export type WraparoundData = {
  databases: { database: string; xidAge: number; mxidAge: number }[];
  tables: { schema: string; table: string; xidAge: number; mxidAge: number }[];
};

export const wraparoundCheck: CheckDef<WraparoundData> = {
  id: 'wraparound',
  area: 'safety',
  title: 'Transaction ID wraparound',
  async run(tx) {
    const databases = await rows<WraparoundData['databases'][number]>(
      tx,
      sql`SELECT datname AS database,
        age(datfrozenxid)::float8 AS "xidAge", mxid_age(datminmxid)::float8 AS "mxidAge"
      FROM pg_database ORDER BY age(datfrozenxid) DESC`,
    );
    const tables = await rows<WraparoundData['tables'][number]>(
      tx,
      sql`SELECT n.nspname AS schema, c.relname AS "table",
        age(c.relfrozenxid)::float8 AS "xidAge", mxid_age(c.relminmxid)::float8 AS "mxidAge"
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid
      ORDER BY age(c.relfrozenxid) DESC LIMIT 10`,
    );
    return { databases, tables };
  },
  assess(d, ctx): Assessment {
    const xid = Math.max(0, ...d.databases.map((x) => x.xidAge));
    const mxid = Math.max(0, ...d.databases.map((x) => x.mxidAge));
    const pct = (100 * Math.max(xid, mxid)) / WRAPAROUND_LIMIT;
    const figure = formatPct(pct, pct < 10 ? 1 : 0);
    const oldest = d.databases[0];
    const reason = `Oldest transaction ID age ${formatCount(xid)}${oldest ? ` (${oldest.database})` : ''}, multixact ${formatCount(mxid)}: ${formatPct(pct)} of the way to wraparound`;
    if (xid >= HALF_WAY || mxid >= HALF_WAY)
      return { status: 'critical', figure, reason: `${reason} (critical past half of 2^31)` };
    if (xid > ctx.autovacuumFreezeMaxAge) {
      return {
        status: 'warning',
        figure,
        reason: `${reason}; above autovacuum_freeze_max_age (${formatCount(ctx.autovacuumFreezeMaxAge)}), so anti-wraparound vacuum is overdue`,
      };
    }
    if (mxid > ctx.autovacuumMultixactFreezeMaxAge) {
      return {
        status: 'warning',
        figure,
        reason: `${reason}; above autovacuum_multixact_freeze_max_age (${formatCount(ctx.autovacuumMultixactFreezeMaxAge)})`,
      };
    }
    return { status: 'ok', figure, reason };
  },
};

export type SequenceRow = {
  schema: string;
  sequence: string;
  dataType: string;
  lastValue: number | null;
  maxValue: number;
  column: string | null;
  columnType: string | null;
  pct: number;
};

/**
 * Sequences against the maximum they can reach: the smaller of the sequence's own limit and the type of the
 * column it feeds (a bigint sequence behind an integer column overflows at the integer's limit).
 */
export const sequencesCheck: CheckDef<{ sequences: SequenceRow[]; total: number }> = {
  id: 'sequences',
  area: 'safety',
  title: 'Sequences near their maximum',
  async run(tx) {
    const found = await rows<SequenceRow & { total: number }>(
      tx,
      sql`WITH s AS (
        SELECT c.oid, n.nspname AS schema, c.relname AS sequence, format_type(q.seqtypid, NULL) AS "dataType",
          q.seqincrement, q.seqmax::float8 AS seqmax, q.seqmin::float8 AS seqmin,
          CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid)::float8 END AS "lastValue"
        FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${userSchema(sql`n.nspname`)}
      ), cols AS (
        -- columns fed by the sequence: owned (serial, identity) or referenced from a column default
        SELECT d.objid AS seq, d.refobjid AS rel, d.refobjsubid AS attnum
          FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
          AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
        UNION
        SELECT d.refobjid, ad.adrelid, ad.adnum
          FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
          WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
      ), fed AS (
        SELECT DISTINCT ON (cols.seq) cols.seq, a.attrelid::regclass::text || '.' || quote_ident(a.attname) AS "column",
          format_type(a.atttypid, a.atttypmod) AS "columnType",
          CASE a.atttypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END::float8 AS colmax
        FROM cols JOIN pg_attribute a ON a.attrelid = cols.rel AND a.attnum = cols.attnum
        ORDER BY cols.seq, colmax
      ), v AS (
        SELECT s.schema, s.sequence, s."dataType", s."lastValue", f."column", f."columnType",
          CASE WHEN s.seqincrement > 0 THEN least(s.seqmax, coalesce(f.colmax, s.seqmax)) ELSE s.seqmin END AS "maxValue"
        FROM s LEFT JOIN fed f ON f.seq = s.oid
      )
      SELECT *, CASE WHEN "lastValue" IS NULL OR "maxValue" = 0 THEN 0 ELSE greatest(0, 100.0 * "lastValue" / "maxValue") END::float8 AS pct,
        (count(*) OVER ())::int AS total
      FROM v ORDER BY pct DESC, schema, sequence LIMIT 100`,
    );
    return { sequences: found.map(({ total: _t, ...r }) => r), total: found[0]?.total ?? 0 };
  },
  assess({ sequences, total }, ctx): Assessment {
    const t = ctx.thresholds;
    const top = sequences[0];
    const figure = top ? formatPct(top.pct, top.pct < 10 ? 1 : 0) : '—';
    if (!top) return { status: 'ok', figure, reason: 'No sequences' };
    const over = sequences.filter((s) => s.pct >= t.sequenceWarnPct);
    const reason = `${top.schema}.${top.sequence} is at ${formatPct(top.pct)} of its maximum${top.column ? ` (feeds ${top.column}, ${top.columnType})` : ` (${top.dataType})`}`;
    if (top.pct >= t.sequenceCriticalPct)
      return {
        status: 'critical',
        figure,
        reason: `${plural(over.length, 'sequence')} above ${t.sequenceWarnPct}%; ${reason}`,
      };
    if (over.length)
      return {
        status: 'warning',
        figure,
        reason: `${plural(over.length, 'sequence')} above ${t.sequenceWarnPct}%; ${reason}`,
      };
    return {
      status: 'ok',
      figure,
      reason: `All ${plural(total, 'sequence')} under ${t.sequenceWarnPct}%; the highest: ${reason}`,
    };
  },
};

export type ReplicationData = {
  inRecovery: boolean;
  replayLagSecs: number | null;
  replicas: {
    application: string;
    client: string;
    state: string;
    syncState: string;
    replayLagSecs: number | null;
    lagBytes: number | null;
  }[];
  slots: { name: string; type: string; active: boolean; walStatus: string | null; retainedBytes: number | null }[];
};

export const replicationCheck: CheckDef<ReplicationData> = {
  id: 'replication',
  area: 'safety',
  title: 'Replication',
  notOnPglite: 'the embedded database has no replicas or replication slots',
  async run(tx) {
    const [r] = await rows<{ inRecovery: boolean; replayLagSecs: number | null }>(
      tx,
      sql`SELECT pg_is_in_recovery() AS "inRecovery",
        CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS "replayLagSecs"`,
    );
    const replicas = await rows<ReplicationData['replicas'][number]>(
      tx,
      sql`SELECT coalesce(application_name, '') AS application,
        coalesce(host(client_addr), 'local') AS client, coalesce(state, '') AS state, coalesce(sync_state, '') AS "syncState",
        extract(epoch FROM replay_lag)::float8 AS "replayLagSecs",
        CASE WHEN NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS "lagBytes"
      FROM pg_stat_replication ORDER BY application_name`,
    );
    // wal_status exists from PostgreSQL 13: read it through to_jsonb so older servers simply report none.
    const slots = await rows<ReplicationData['slots'][number]>(
      tx,
      sql`SELECT s.slot_name AS name, s.slot_type AS type, s.active,
        to_jsonb(s) ->> 'wal_status' AS "walStatus",
        CASE WHEN NOT pg_is_in_recovery() AND s.restart_lsn IS NOT NULL THEN pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::float8 END AS "retainedBytes"
      FROM pg_replication_slots s ORDER BY s.slot_name`,
    );
    return { ...r, replicas, slots };
  },
  assess(d, ctx): Assessment {
    const t = ctx.thresholds;
    const lost = d.slots.filter((s) => s.walStatus === 'lost');
    const unreserved = d.slots.filter((s) => s.walStatus === 'unreserved');
    const inactive = d.slots.filter((s) => !s.active);
    const lagging = d.replicas.filter((r) => (r.replayLagSecs ?? 0) >= t.replicationLagSecs);
    const figure = d.inRecovery ? formatDuration(d.replayLagSecs) : `${d.replicas.length} / ${d.slots.length}`;
    if (lost.length)
      return {
        status: 'critical',
        figure,
        reason: `Slot ${lost.map((s) => s.name).join(', ')} lost WAL it needed: its consumer must be rebuilt`,
      };
    const problems: string[] = [];
    if (d.inRecovery && (d.replayLagSecs ?? 0) >= t.replicationLagSecs)
      problems.push(`this replica replays ${formatDuration(d.replayLagSecs)} behind (if the primary is busy)`);
    if (lagging.length) problems.push(`${plural(lagging.length, 'replica')} ${t.replicationLagSecs} s or more behind`);
    if (unreserved.length) problems.push(`slot ${unreserved.map((s) => s.name).join(', ')} is about to lose WAL`);
    if (inactive.length)
      problems.push(
        `${plural(inactive.length, 'inactive slot')} holding WAL (${inactive.map((s) => s.name).join(', ')})`,
      );
    if (problems.length) return { status: 'warning', figure, reason: problems.join('; ') };
    if (!d.inRecovery && !d.replicas.length && !d.slots.length)
      return { status: 'ok', figure, reason: 'No replicas and no replication slots' };
    return {
      status: 'ok',
      figure,
      reason: d.inRecovery
        ? `Replica, replaying ${formatDuration(d.replayLagSecs)} behind`
        : `${plural(d.replicas.length, 'replica')} streaming, ${plural(d.slots.length, 'slot')}, all current`,
    };
  },
};

export type InvalidConstraint = { schema: string; table: string; constraint: string; type: string; definition: string };

/** Constraints added NOT VALID and never validated: existing rows were never checked. */
export const invalidConstraintCheck: CheckDef<{ constraints: InvalidConstraint[] }> = {
  id: 'invalid_constraints',
  area: 'safety',
  title: 'Invalid constraints',
  async run(tx) {
    const constraints = await rows<InvalidConstraint>(
      tx,
      sql`SELECT n.nspname AS schema, t.relname AS "table", k.conname AS "constraint",
        CASE k.contype WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' ELSE k.contype::text END AS type,
        pg_get_constraintdef(k.oid) AS definition
      FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE NOT k.convalidated AND ${userSchema(sql`n.nspname`)}
      ORDER BY n.nspname, t.relname, k.conname LIMIT 100`,
    );
    return { constraints };
  },
  assess({ constraints }): Assessment {
    const figure = String(constraints.length);
    if (!constraints.length) return { status: 'ok', figure, reason: 'Every constraint is validated' };
    const c = constraints[0];
    return {
      status: 'warning',
      figure,
      reason: `${plural(constraints.length, 'constraint')} NOT VALID, e.g. ${c.table}.${c.constraint}: run ALTER TABLE … VALIDATE CONSTRAINT`,
    };
  },
};
