'use client';

import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes } from '@/lib/health/format';
import { formatDateTime } from '@/lib/format';
import type { TrendPoint } from '@/lib/health/trends';

/** Axis ticks in UTC and 24-hour time, as the console writes times everywhere: "14:05", or "03-01 14:05" over 7 days. */
const time = (range: string) => (t: number) => {
  const iso = new Date(t).toISOString();
  return range === '7d' ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
};
/** Size ticks in one unit (that of the largest value) with enough decimals to tell them apart. */
function sizeTick(points: TrendPoint[]) {
  const max = Math.max(1, ...points.map((p) => p.sizeBytes));
  const [unit, div] = max >= 1024 ** 3 ? ['GB', 1024 ** 3] : max >= 1024 ** 2 ? ['MB', 1024 ** 2] : ['kB', 1024];
  return (v: number) => `${(v / div).toFixed(2)} ${unit}`;
}
const rate = (v: unknown) =>
  typeof v === 'number' ? (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)) : '—';

function Chart({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="mb-2 text-sm font-semibold text-zinc-900 dark:text-zinc-100">{title}</figcaption>
      <div className="h-56 w-full">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Rates and gauges from the sampler's snapshots; gaps (no snapshot, or a counter reset) stay gaps. */
export function TrendCharts({ points, range }: { points: TrendPoint[]; range: string }) {
  const x = {
    dataKey: 't',
    type: 'number' as const,
    domain: ['dataMin', 'dataMax'] as [string, string],
    scale: 'time' as const,
    tickFormatter: time(range),
    fontSize: 11,
  };
  const tooltip = { labelFormatter: (t: unknown) => formatDateTime(new Date(Number(t))) };
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Chart title="Transactions per second">
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis {...x} />
          <YAxis fontSize={11} width={48} />
          <Tooltip {...tooltip} formatter={rate} />
          <Legend />
          <Line
            type="monotone"
            dataKey="commitsPerSec"
            name="Commits/s"
            stroke="#4f46e5"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="rollbacksPerSec"
            name="Rollbacks/s"
            stroke="#dc2626"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </Chart>
      <Chart title="Block hits and reads per second">
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis {...x} />
          <YAxis fontSize={11} width={56} />
          <Tooltip {...tooltip} formatter={rate} />
          <Legend />
          <Line
            type="monotone"
            dataKey="blksHitPerSec"
            name="Hits/s (shared buffers)"
            stroke="#16a34a"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="blksReadPerSec"
            name="Reads/s (disk or OS cache)"
            stroke="#ea580c"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </Chart>
      <Chart title="Cache hit rate (%)">
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis {...x} />
          <YAxis
            fontSize={11}
            width={48}
            domain={[(min: number) => Math.max(0, Math.floor(min - 0.5)), 100]}
            tickFormatter={(v: number) => v.toFixed(1)}
          />
          <Tooltip {...tooltip} formatter={(v: unknown) => (typeof v === 'number' ? `${v.toFixed(2)}%` : '—')} />
          <Line
            type="monotone"
            dataKey="hitPct"
            name="Hit rate"
            stroke="#0891b2"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </Chart>
      <Chart title="Connections by state (whole server)">
        <AreaChart data={points}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis {...x} />
          <YAxis fontSize={11} width={40} allowDecimals={false} />
          <Tooltip {...tooltip} formatter={rate} />
          <Legend />
          <Area
            type="monotone"
            dataKey="active"
            name="Active"
            stackId="c"
            stroke="#4f46e5"
            fill="#4f46e5"
            fillOpacity={0.5}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="idleInTransaction"
            name="Idle in transaction"
            stackId="c"
            stroke="#dc2626"
            fill="#dc2626"
            fillOpacity={0.5}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="idle"
            name="Idle"
            stackId="c"
            stroke="#a1a1aa"
            fill="#a1a1aa"
            fillOpacity={0.4}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="other"
            name="Other"
            stackId="c"
            stroke="#ca8a04"
            fill="#ca8a04"
            fillOpacity={0.4}
            isAnimationActive={false}
          />
        </AreaChart>
      </Chart>
      <Chart title="Database size">
        <LineChart data={points}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis {...x} />
          <YAxis fontSize={11} width={72} tickFormatter={sizeTick(points)} domain={['auto', 'auto']} />
          <Tooltip {...tooltip} formatter={(v: unknown) => formatBytes(Number(v))} />
          <Line
            type="monotone"
            dataKey="sizeBytes"
            name="Size"
            stroke="#7c3aed"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </Chart>
    </div>
  );
}
