import { healthArea } from '@/lib/health/queries/reports';
import type { SettingRow, SettingsData } from '@/lib/health/settings';
import type { CheckResult } from '@/lib/health/types';
import { Badge } from '@/components/ui';
import { requireHealthActor } from '../guard';
import { CheckSection, Code, SimpleTable, type Column } from '../parts';
import { ServerFacts } from '../server-facts';

export const metadata = { title: 'Settings · Database health' };

const common: Column<SettingRow>[] = [
  {
    header: 'Setting',
    cell: (s) => (
      <span>
        <Code>{s.name}</Code>
        <span className="mt-0.5 block text-xs text-zinc-500">{s.description}</span>
      </span>
    ),
  },
  { header: 'Current', cell: (s) => <span className="font-mono text-xs">{s.current}</span> },
];
const tail: Column<SettingRow>[] = [
  { header: 'Set by', cell: (s) => s.source },
  {
    header: 'Takes effect',
    cell: (s) =>
      s.pendingRestart ? (
        <Badge tone="yellow">changed, restart pending</Badge>
      ) : s.context === 'postmaster' ? (
        'on restart'
      ) : s.context === 'sighup' ? (
        'on reload'
      ) : (
        'at once'
      ),
  },
];

export default async function SettingsPage() {
  const actor = await requireHealthActor();
  if (!actor) return null;
  const { ctx, results } = await healthArea(actor, 'settings');
  const [settings] = results as [CheckResult<SettingsData>];
  return (
    <div className="space-y-6">
      <ServerFacts ctx={ctx} />
      <CheckSection
        result={settings}
        intro={
          <>
            The reference deployment guide&apos;s recommended settings for production workloads (sized for a dedicated
            server with about 16 GB of memory and SSD storage) beside this server&apos;s values from{' '}
            <Code>pg_settings</Code>. Apply with <Code>ALTER SYSTEM SET … ;</Code> then{' '}
            <Code>SELECT pg_reload_conf();</Code>, or a restart where noted.
          </>
        }
      >
        {(d) => (
          <div className="space-y-6">
            <SimpleTable
              caption="Recommended settings"
              rows={d.recommended}
              rowKey={(s) => s.name}
              empty="None of the recommended settings exist on this server."
              columns={[
                ...common,
                {
                  header: 'Recommended',
                  cell: (s) => (
                    <span className="font-mono text-xs">
                      {s.recommended}
                      {s.note ? <span className="block font-sans text-zinc-500">{s.note}</span> : null}
                    </span>
                  ),
                },
                {
                  header: 'Verdict',
                  cell: (s) => (s.differs ? <Badge tone="yellow">Differs</Badge> : <Badge tone="green">Matches</Badge>),
                },
                ...tail,
              ]}
            />
            <div>
              <h3 className="mb-2 text-xs font-semibold text-zinc-500 uppercase">Settings the health checks rely on</h3>
              <SimpleTable
                caption="Context settings"
                rows={d.context}
                rowKey={(s) => s.name}
                empty="None."
                columns={[...common, ...tail]}
              />
            </div>
          </div>
        )}
      </CheckSection>
    </div>
  );
}
