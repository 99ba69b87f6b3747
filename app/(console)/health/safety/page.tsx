import { healthArea } from '@/lib/health/queries/reports';
import { formatBytes, formatCount, formatDuration, formatPct } from '@/lib/health/format';
import {
  WRAPAROUND_LIMIT,
  type InvalidConstraint,
  type ReplicationData,
  type SequenceRow,
  type WraparoundData,
} from '@/lib/health/safety';
import type { CheckResult } from '@/lib/health/types';
import { requireHealthActor } from '../guard';
import { CheckSection, SimpleTable } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Safety · Database health' };

const ofLimit = (age: number) => formatPct((100 * age) / WRAPAROUND_LIMIT, 2);

export default async function SafetyPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'safety');
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const t = ctx.thresholds;
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={byId.wraparound as CheckResult<WraparoundData>}
        intro={`Transaction and multixact IDs wrap around at about 2.1 billion. Warning above autovacuum_freeze_max_age (${formatCount(ctx.autovacuumFreezeMaxAge)}) or autovacuum_multixact_freeze_max_age (${formatCount(ctx.autovacuumMultixactFreezeMaxAge)}), critical past half the limit.`}
      >
        {(d) => (
          <div className="space-y-4">
            <SimpleTable
              caption="Databases by transaction ID age"
              rows={d.databases}
              rowKey={(r) => r.database}
              empty="No databases."
              columns={[
                { header: 'Database', cell: (r) => r.database },
                { header: 'XID age', cell: (r) => formatCount(r.xidAge), numeric: true },
                { header: 'Of the limit', cell: (r) => ofLimit(r.xidAge), numeric: true },
                { header: 'Multixact age', cell: (r) => formatCount(r.mxidAge), numeric: true },
              ]}
            />
            <h3 className="text-xs font-semibold text-zinc-500 uppercase">Oldest tables in {ctx.database}</h3>
            <SimpleTable
              caption="Tables by transaction ID age"
              rows={d.tables}
              rowKey={(r) => `${r.schema}.${r.table}`}
              empty="No tables."
              columns={[
                { header: 'Table', cell: (r) => `${r.schema}.${r.table}` },
                { header: 'XID age', cell: (r) => formatCount(r.xidAge), numeric: true },
                { header: 'Multixact age', cell: (r) => formatCount(r.mxidAge), numeric: true },
              ]}
            />
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={byId.sequences as CheckResult<{ sequences: SequenceRow[]; total: number }>}
        intro={`How close each sequence is to the largest value it can hand out: the sequence's own maximum or the type of the column it feeds, whichever is smaller. Warning above ${t.sequenceWarnPct}%.`}
      >
        {(d) => (
          <SimpleTable
            caption="Sequences"
            rows={d.sequences.slice(0, 50)}
            rowKey={(r) => `${r.schema}.${r.sequence}`}
            empty="No sequences."
            columns={[
              { header: 'Sequence', cell: (r) => `${r.schema}.${r.sequence}` },
              { header: 'Feeds', cell: (r) => (r.column ? `${r.column} (${r.columnType})` : '—') },
              { header: 'Type', cell: (r) => r.dataType },
              {
                header: 'Last value',
                cell: (r) => (r.lastValue === null ? 'unused' : formatCount(r.lastValue)),
                numeric: true,
              },
              { header: 'Maximum', cell: (r) => formatCount(r.maxValue), numeric: true },
              { header: 'Used', cell: (r) => formatPct(r.pct, r.pct < 1 ? 3 : 1), numeric: true },
            ]}
          />
        )}
      </CheckSection>
      <CheckSection
        result={byId.replication as CheckResult<ReplicationData>}
        intro={`Replicas streaming from this server and replication slots. Warning at ${t.replicationLagSecs} s of lag, for an inactive slot (it keeps WAL forever) or a slot about to lose WAL.`}
      >
        {(d) => (
          <div className="space-y-4">
            {d.inRecovery ? (
              <p className="text-sm">
                This server is a replica, replaying {formatDuration(d.replayLagSecs)} behind its primary (the figure
                grows when the primary is idle).
              </p>
            ) : null}
            <SimpleTable
              caption="Replicas"
              rows={d.replicas}
              rowKey={(r, i) => `${r.application}-${i}`}
              empty="No replica is streaming from this server."
              columns={[
                { header: 'Replica', cell: (r) => `${r.application || 'unnamed'} (${r.client})` },
                { header: 'State', cell: (r) => `${r.state}, ${r.syncState}` },
                { header: 'Replay lag', cell: (r) => formatDuration(r.replayLagSecs), numeric: true },
                { header: 'Behind by', cell: (r) => formatBytes(r.lagBytes), numeric: true },
              ]}
            />
            <SimpleTable
              caption="Replication slots"
              rows={d.slots}
              rowKey={(r) => r.name}
              empty="No replication slots."
              columns={[
                { header: 'Slot', cell: (r) => r.name },
                { header: 'Type', cell: (r) => r.type },
                { header: 'Active', cell: (r) => (r.active ? 'yes' : 'no') },
                { header: 'WAL status', cell: (r) => r.walStatus ?? '—' },
                { header: 'WAL kept', cell: (r) => formatBytes(r.retainedBytes), numeric: true },
              ]}
            />
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={byId.invalid_constraints as CheckResult<{ constraints: InvalidConstraint[] }>}
        intro="Constraints added NOT VALID hold for new rows only; existing rows were never checked."
      >
        {(d) => (
          <SimpleTable
            caption="Invalid constraints"
            rows={d.constraints}
            rowKey={(r) => `${r.schema}.${r.table}.${r.constraint}`}
            empty="Every constraint is validated."
            columns={[
              { header: 'Table', cell: (r) => `${r.schema}.${r.table}` },
              { header: 'Constraint', cell: (r) => r.constraint },
              { header: 'Type', cell: (r) => r.type },
              { header: 'Definition', cell: (r) => <code className="font-mono text-xs">{r.definition}</code> },
            ]}
          />
        )}
      </CheckSection>
    </div>
  );
}
