import { healthArea } from '@/lib/health/queries/reports';
import type { MigrationsData } from '@/lib/health/migrations';
import type { CheckResult } from '@/lib/health/types';
import { Badge } from '@/components/ui';
import { requireHealthActor } from '../guard';
import { CheckSection, Code, SimpleTable } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Migrations · Database health' };

function List({ title, items }: { title: string; items: string[] }) {
  if (!items.length) return null;
  return (
    <div>
      <h3 className="mb-1 text-xs font-semibold text-zinc-500 uppercase">{title}</h3>
      <ul className="list-disc pl-5 text-sm">
        {items.map((i) => (
          <li key={i}>
            <Code>{i}</Code>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default async function MigrationsPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'migrations');
  const [m] = results as [CheckResult<MigrationsData>];
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={m}
        intro={
          <>
            Migration files shipped with this build against <Code>drizzle.__drizzle_migrations</Code>, and every table
            and column the code declares against the live catalog.
          </>
        }
      >
        {(d) => (
          <div className="space-y-4">
            <SimpleTable
              caption="Migrations"
              rows={d.files}
              rowKey={(f) => f.hash}
              empty="This build ships no migrations."
              columns={[
                { header: '#', cell: (f) => d.files.indexOf(f), numeric: true },
                {
                  header: 'Created',
                  cell: (f) => new Date(f.createdAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
                },
                { header: 'Hash', cell: (f) => <Code>{f.hash.slice(0, 12)}</Code> },
                {
                  header: 'Status',
                  cell: (f) => (f.applied ? <Badge tone="green">Applied</Badge> : <Badge tone="red">Pending</Badge>),
                },
              ]}
            />
            {d.unknownApplied ? (
              <p className="text-sm text-yellow-800 dark:text-yellow-300">
                {d.unknownApplied} applied migrations are not part of this build: a newer version of the console may
                have migrated this database.
              </p>
            ) : null}
            <List title="Tables the code declares but the database lacks" items={d.drift.missingTables} />
            <List title="Columns the code declares but the database lacks" items={d.drift.missingColumns} />
            <List title="Columns in the database the code does not declare" items={d.drift.extraColumns} />
            {!d.drift.missingTables.length && !d.drift.missingColumns.length && !d.drift.extraColumns.length ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">
                Every table and column of the code exists in the database, and no table of the code has extra columns.
              </p>
            ) : null}
          </div>
        )}
      </CheckSection>
    </div>
  );
}
