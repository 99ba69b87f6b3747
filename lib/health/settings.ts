import { sql } from 'drizzle-orm';
import { formatBytes } from './format';
import { plural } from '@/lib/format';
import { rows } from './sql';
import type { Assessment, CheckDef } from './types';

/** "Recommended PostgreSQL Settings" of the reference deployment guide (postgres-backend.md), production workloads. */
export const RECOMMENDED_SETTINGS: { name: string; value: string; note?: string }[] = [
  { name: 'shared_buffers', value: '4GB' },
  { name: 'effective_cache_size', value: '12GB' },
  { name: 'maintenance_work_mem', value: '1GB' },
  { name: 'checkpoint_completion_target', value: '0.9' },
  { name: 'wal_buffers', value: '16MB' },
  { name: 'default_statistics_target', value: '100' },
  { name: 'random_page_cost', value: '1.1', note: 'for SSD storage' },
  { name: 'effective_io_concurrency', value: '200', note: 'for SSD storage' },
  { name: 'work_mem', value: '64MB' },
  { name: 'min_wal_size', value: '1GB' },
  { name: 'max_wal_size', value: '4GB' },
];

/** Settings the health checks themselves rely on: shown, never flagged. */
const CONTEXT_SETTINGS = [
  'max_connections',
  'superuser_reserved_connections',
  'autovacuum',
  'autovacuum_vacuum_scale_factor',
  'autovacuum_vacuum_threshold',
  'autovacuum_freeze_max_age',
  'autovacuum_multixact_freeze_max_age',
  'shared_preload_libraries',
  'track_counts',
  'track_io_timing',
  'statement_timeout',
  'idle_in_transaction_session_timeout',
];

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A pg_settings unit such as "8kB" or "16MB" as a multiplier of bytes (or ms), or null for unit-less. */
function unitScale(unit: string | null): { scale: number; kind: 'bytes' | 'ms' } | null {
  if (!unit) return null;
  const m = unit.match(/^(\d+)?\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)$/);
  if (!m) return null;
  const n = m[1] ? Number(m[1]) : 1;
  if (m[2] in UNIT_BYTES) return { scale: n * UNIT_BYTES[m[2]], kind: 'bytes' };
  return { scale: n * UNIT_MS[m[2]], kind: 'ms' };
}

/** "4GB" → bytes, "0.9" → 0.9. */
export function parseSettingValue(value: string): number | null {
  const m = value.trim().match(/^(-?\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB|us|ms|s|min|h|d)?$/);
  if (!m) return null;
  const n = Number(m[1]);
  if (!m[2]) return n;
  return n * (UNIT_BYTES[m[2]] ?? UNIT_MS[m[2]]);
}

export type SettingRow = {
  name: string;
  current: string;
  recommended: string | null;
  note: string | null;
  differs: boolean;
  source: string;
  pendingRestart: boolean;
  context: string;
  description: string;
};
export type SettingsData = { recommended: SettingRow[]; context: SettingRow[] };

type PgSetting = {
  name: string;
  setting: string;
  unit: string | null;
  source: string;
  pending_restart: boolean;
  context: string;
  short_desc: string;
};

function display(s: PgSetting): string {
  const u = unitScale(s.unit);
  const n = Number(s.setting);
  if (!u || !Number.isFinite(n)) return s.setting;
  if (n < 0) return s.setting; // -1 means "use the default" for several memory settings
  return u.kind === 'bytes' ? formatBytes(n * u.scale) : `${n * u.scale} ms`;
}

function currentNumber(s: PgSetting): number | null {
  const n = Number(s.setting);
  if (!Number.isFinite(n)) return null;
  const u = unitScale(s.unit);
  return u ? n * u.scale : n;
}

export const settingsCheck: CheckDef<SettingsData> = {
  id: 'settings',
  area: 'settings',
  title: 'Settings review',
  notOnPglite:
    'the embedded database runs inside the console process with its own fixed memory; the recommendations are for a PostgreSQL server',
  async run(tx) {
    const names = [...RECOMMENDED_SETTINGS.map((s) => s.name), ...CONTEXT_SETTINGS];
    const found = await rows<PgSetting>(
      tx,
      sql`SELECT name, setting, unit, source, pending_restart, context, short_desc
      FROM pg_settings WHERE name IN (${sql.join(
        names.map((n) => sql`${n}`),
        sql`, `,
      )})`,
    );
    const byName = new Map(found.map((s) => [s.name, s]));
    const recommended = RECOMMENDED_SETTINGS.flatMap((r): SettingRow[] => {
      const s = byName.get(r.name);
      if (!s) return [];
      const want = parseSettingValue(r.value);
      const have = currentNumber(s);
      const differs =
        want === null || have === null ? s.setting !== r.value : Math.abs(want - have) > Math.abs(want) * 1e-9;
      return [
        {
          name: r.name,
          current: display(s),
          recommended: r.value,
          note: r.note ?? null,
          differs,
          source: s.source,
          pendingRestart: s.pending_restart,
          context: s.context,
          description: s.short_desc,
        },
      ];
    });
    const context = CONTEXT_SETTINGS.flatMap((n): SettingRow[] => {
      const s = byName.get(n);
      return s
        ? [
            {
              name: n,
              current: display(s),
              recommended: null,
              note: null,
              differs: false,
              source: s.source,
              pendingRestart: s.pending_restart,
              context: s.context,
              description: s.short_desc,
            },
          ]
        : [];
    });
    return { recommended, context };
  },
  assess(d): Assessment {
    const differing = d.recommended.filter((s) => s.differs);
    const pending = [...d.recommended, ...d.context].filter((s) => s.pendingRestart);
    const figure = `${differing.length} / ${d.recommended.length}`;
    const restart = pending.length
      ? `; ${plural(pending.length, 'change')} waiting for a restart (${pending.map((s) => s.name).join(', ')})`
      : '';
    if (!differing.length && !pending.length)
      return { status: 'ok', figure, reason: 'Every recommended setting matches' };
    return {
      status: 'warning',
      figure,
      reason: `${plural(differing.length, 'setting')} differ from the recommendations${
        differing.length
          ? ` (${differing
              .slice(0, 3)
              .map((s) => s.name)
              .join(', ')}${differing.length > 3 ? ', …' : ''})`
          : ''
      }${restart}`,
    };
  },
};
