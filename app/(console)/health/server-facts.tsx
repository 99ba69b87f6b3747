import { formatBytes, formatDuration } from '@/lib/health/format';
import type { ServerContext } from '@/lib/health/types';
import { Notice } from './parts';

/** One line on the server under inspection, and a warning when its facts could not be read. */
export function ServerFacts({ ctx }: { ctx: ServerContext }) {
  const facts = [
    ctx.kind === 'pglite' ? `Embedded PGlite (PostgreSQL ${ctx.version})` : `PostgreSQL ${ctx.version}`,
    `database ${ctx.database}`,
    formatBytes(ctx.databaseBytes),
    ctx.uptimeSecs !== null && ctx.kind === 'postgres' ? `up ${formatDuration(ctx.uptimeSecs)}` : null,
    ctx.statsResetAgeSecs === null
      ? 'statistics never reset'
      : `statistics reset ${formatDuration(ctx.statsResetAgeSecs)} ago`,
    ctx.inRecovery ? 'replica (read-only)' : null,
  ].filter(Boolean);
  return (
    <div className="mb-4 space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{facts.join(' · ')}</p>
      {ctx.degraded ? (
        <Notice title="Server settings could not be read">
          <p>
            {ctx.degraded}. Thresholds use PostgreSQL&apos;s defaults (max_connections 100, autovacuum_freeze_max_age
            200 million) until they can be.
          </p>
        </Notice>
      ) : null}
    </div>
  );
}
