import { healthArea } from '@/lib/health/queries/reports';
import { formatBytes, formatCount, formatDuration, formatPct } from '@/lib/health/format';
import type {
  CacheHitData,
  DuplicateIndex,
  IndexRow,
  MissingFkIndex,
  SeqScanData,
  SpaceData,
  UnusedIndexData,
  VacuumData,
} from '@/lib/health/tables';
import type { CheckResult } from '@/lib/health/types';
import { requireHealthActor } from '../guard';
import { CheckSection, Code, SimpleTable } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Tables and indexes · Database health' };

const ago = (secs: number | null) => (secs === null ? 'never' : `${formatDuration(secs)} ago`);
const def = (s: string) => (
  <code className="block max-w-xl font-mono text-xs break-words whitespace-pre-wrap">{s}</code>
);

export default async function TablesPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'tables');
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const t = ctx.thresholds;
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={byId.space as CheckResult<SpaceData>}
        intro="Size on disk of each table with its indexes and TOAST data (pg_total_relation_size), largest first."
      >
        {(d) => (
          <div className="space-y-4">
            <p className="text-sm">
              {formatCount(d.relationCount)} tables take {formatBytes(d.relationsBytes)} of the database&apos;s{' '}
              {formatBytes(d.databaseBytes)}
              {d.relationCount > d.tables.length ? `; the largest ${d.tables.length} are shown` : ''}.
            </p>
            <SimpleTable
              caption="Table sizes"
              rows={d.tables}
              rowKey={(r) => `${r.schema}.${r.name}`}
              empty="No tables."
              columns={[
                { header: 'Relation', cell: (r) => `${r.schema}.${r.name}` },
                { header: 'Kind', cell: (r) => r.kind },
                { header: 'Total', cell: (r) => formatBytes(r.totalBytes), numeric: true },
                { header: 'Heap', cell: (r) => formatBytes(r.tableBytes), numeric: true },
                { header: 'Indexes', cell: (r) => formatBytes(r.indexBytes), numeric: true },
                { header: 'Rows (estimate)', cell: (r) => formatCount(r.estRows), numeric: true },
              ]}
            />
            <h3 className="text-xs font-semibold text-zinc-500 uppercase">Largest indexes</h3>
            <SimpleTable
              caption="Index sizes"
              rows={d.indexes}
              rowKey={(r) => `${r.schema}.${r.index}`}
              empty="No indexes."
              columns={[
                { header: 'Index', cell: (r) => `${r.schema}.${r.index}` },
                { header: 'On table', cell: (r) => r.table },
                { header: 'Size', cell: (r) => formatBytes(r.bytes), numeric: true },
              ]}
            />
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={byId.cache_hit as CheckResult<CacheHitData>}
        intro={`Share of block reads served from shared buffers (pg_statio_user_tables, pg_statio_user_indexes). Warning below ${t.cacheHitWarnPct}%.`}
      >
        {(d) => (
          <div className="space-y-3">
            <p className="text-sm">
              Tables: <strong>{formatPct(d.table.pct, 2)}</strong> ({formatCount(d.table.hit)} hits,{' '}
              {formatCount(d.table.read)} reads) · Indexes: <strong>{formatPct(d.index.pct, 2)}</strong> (
              {formatCount(d.index.hit)} hits, {formatCount(d.index.read)} reads)
            </p>
            <SimpleTable
              caption="Tables with the lowest hit rate"
              rows={d.worstTables}
              rowKey={(r) => `${r.schema}.${r.table}`}
              empty={`No table has ${formatCount(t.cacheHitMinBlocks)}+ block accesses yet.`}
              columns={[
                { header: 'Table', cell: (r) => `${r.schema}.${r.table}` },
                { header: 'Hit rate', cell: (r) => formatPct(r.pct, 2), numeric: true },
                { header: 'Hits', cell: (r) => formatCount(r.hit), numeric: true },
                { header: 'Reads', cell: (r) => formatCount(r.read), numeric: true },
              ]}
            />
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={byId.vacuum as CheckResult<VacuumData>}
        intro={
          <>
            A table needs vacuum when its dead rows pass{' '}
            <Code>autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × live rows</Code> (server:{' '}
            {ctx.autovacuumVacuumThreshold} + {ctx.autovacuumVacuumScaleFactor} × live, unless the table sets its own).
          </>
        }
      >
        {(d) => (
          <SimpleTable
            caption="Dead rows and vacuum"
            rows={d.tables.filter((r) => r.deadRows > 0 || r.needsVacuum).slice(0, 50)}
            rowKey={(r) => `${r.schema}.${r.table}`}
            empty="No table has dead rows."
            columns={[
              {
                header: 'Table',
                cell: (r) => (
                  <span>
                    {r.schema}.{r.table}
                    {r.needsVacuum ? (
                      <strong className="ml-1 text-yellow-700 dark:text-yellow-400">needs vacuum</strong>
                    ) : null}
                    {r.vacuuming ? ' (vacuuming now)' : ''}
                    {!r.autovacuumEnabled ? (
                      <span className="block text-xs text-zinc-500">autovacuum disabled for this table</span>
                    ) : null}
                  </span>
                ),
              },
              { header: 'Live rows', cell: (r) => formatCount(r.liveRows), numeric: true },
              { header: 'Dead rows', cell: (r) => formatCount(r.deadRows), numeric: true },
              { header: 'Dead', cell: (r) => formatPct(r.deadPct, 0), numeric: true },
              { header: 'Trigger at', cell: (r) => formatCount(r.triggerRows), numeric: true },
              { header: 'Last vacuum', cell: (r) => ago(r.vacuumAgeSecs), numeric: true },
              { header: 'Last analyze', cell: (r) => ago(r.analyzeAgeSecs), numeric: true },
            ]}
          />
        )}
      </CheckSection>
      <CheckSection
        result={byId.seq_scans as CheckResult<SeqScanData>}
        intro={`Tables of ${formatCount(t.seqScanMinRows)}+ rows where under ${t.seqScanIndexPct}% of scans use an index, most rows read sequentially first.`}
      >
        {(d) => (
          <SimpleTable
            caption="Sequential scans"
            rows={d.tables}
            rowKey={(r) => `${r.schema}.${r.table}`}
            empty={`No table of ${formatCount(t.seqScanMinRows)}+ rows has been scanned sequentially.`}
            columns={[
              { header: 'Table', cell: (r) => `${r.schema}.${r.table}${r.flagged ? ' ⚠' : ''}` },
              { header: 'Live rows', cell: (r) => formatCount(r.liveRows), numeric: true },
              { header: 'Sequential scans', cell: (r) => formatCount(r.seqScans), numeric: true },
              { header: 'Rows read by them', cell: (r) => formatCount(r.seqRowsRead), numeric: true },
              { header: 'Index scans', cell: (r) => formatCount(r.idxScans), numeric: true },
              { header: 'Index share', cell: (r) => formatPct(r.indexPct, 0), numeric: true },
            ]}
          />
        )}
      </CheckSection>
      <CheckSection
        result={byId.unused_indexes as CheckResult<UnusedIndexData>}
        intro={`Never scanned since the statistics began (unique and constraint indexes excluded). Warning for those of ${formatBytes(t.unusedIndexMinBytes)} or more. Statistics: ${ctx.statsResetAgeSecs === null ? 'never reset' : `reset ${formatDuration(ctx.statsResetAgeSecs)} ago`}; they count this server only.`}
      >
        {(d) => (
          <div className="space-y-2">
            {d.statsNote ? <p className="text-sm text-yellow-800 dark:text-yellow-300">{d.statsNote}</p> : null}
            <IndexTable rows={d.indexes} empty="Every index has been used." />
          </div>
        )}
      </CheckSection>
      <CheckSection
        result={byId.duplicate_indexes as CheckResult<{ indexes: DuplicateIndex[] }>}
        intro="An index whose columns lead another index of the same kind, expressions and condition adds write cost and no speed."
      >
        {(d) => (
          <SimpleTable
            caption="Duplicate indexes"
            rows={d.indexes}
            rowKey={(r) => `${r.schema}.${r.index}`}
            empty="No index is covered by another."
            columns={[
              {
                header: 'Redundant index',
                cell: (r) => (
                  <span>
                    {r.schema}.{r.index}
                    {def(r.definition)}
                  </span>
                ),
              },
              { header: 'Size', cell: (r) => formatBytes(r.bytes), numeric: true },
              {
                header: 'Covered by',
                cell: (r) => (
                  <span>
                    {r.coveredBy}
                    {def(r.coveredByDefinition)}
                  </span>
                ),
              },
            ]}
          />
        )}
      </CheckSection>
      <CheckSection
        result={byId.invalid_indexes as CheckResult<{ indexes: IndexRow[] }>}
        intro="Invalid indexes are maintained on every write but never used; indexes being built right now are left out."
      >
        {(d) => <IndexTable rows={d.indexes} empty="Every index is valid." />}
      </CheckSection>
      <CheckSection
        result={byId.fk_indexes as CheckResult<{ keys: MissingFkIndex[] }>}
        intro="Without an index on the referencing columns, every delete or key update on the referenced table scans this table."
      >
        {(d) => (
          <SimpleTable
            caption="Foreign keys without an index"
            rows={d.keys}
            rowKey={(r) => `${r.schema}.${r.constraint}`}
            empty="Every foreign key has an index."
            columns={[
              { header: 'Table', cell: (r) => `${r.schema}.${r.table}` },
              { header: 'Columns', cell: (r) => r.columns.join(', ') },
              { header: 'References', cell: (r) => r.references },
              { header: 'Constraint', cell: (r) => r.constraint },
              { header: 'Table size', cell: (r) => formatBytes(r.tableBytes), numeric: true },
            ]}
          />
        )}
      </CheckSection>
    </div>
  );
}

function IndexTable({ rows, empty }: { rows: IndexRow[]; empty: string }) {
  return (
    <SimpleTable
      caption="Indexes"
      rows={rows}
      rowKey={(r) => `${r.schema}.${r.index}`}
      empty={empty}
      columns={[
        { header: 'Index', cell: (r) => `${r.schema}.${r.index}` },
        { header: 'Table', cell: (r) => r.table },
        { header: 'Size', cell: (r) => formatBytes(r.bytes), numeric: true },
        { header: 'Definition', cell: (r) => def(r.definition) },
      ]}
    />
  );
}
