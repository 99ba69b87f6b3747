import { ActionForm, Field, SelectField } from '@/components/form';
import { attempt } from '@/components/page-state';
import type { Actor } from '@/lib/actor';
import { formatDateTime } from '@/lib/format';
import { getCatalogMaintenance } from '@/lib/iceberg/queries/maintenance';
import { setCatalogMaintenanceAction } from '../actions';

const schedules = [
  { value: 'off', label: 'Off' },
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
];
const scheduleText = (s: string) => (s === 'off' ? 'off' : s);

/**
 * The catalog's maintenance policy: snapshot expiry and orphan-file removal, each off, daily or weekly, run on every
 * table of the main branch by the hourly check. A form for those who may change the catalog, a summary for readers.
 */
export async function MaintenancePolicy({
  actor,
  catalog,
  catalogId,
  mayUpdate,
}: {
  actor: Actor;
  catalog: string;
  catalogId: string;
  mayUpdate: boolean;
}) {
  const got = await attempt(() => getCatalogMaintenance(actor, catalog));
  if (!got.ok) return got.view;
  const p = got.value;
  const next = p.nextRunAt ? `Next run: ${formatDateTime(p.nextRunAt)}` : 'No schedule is on.';
  const last = p.lastRunAt ? ` Last run: ${formatDateTime(p.lastRunAt)}.` : '';
  if (!mayUpdate)
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Expire snapshots: {scheduleText(p.expireSchedule)} (older than {p.expireOlderThanDays} days, keeping the last{' '}
        {p.expireRetainLast} per branch). Remove orphan files: {scheduleText(p.orphansSchedule)} (older than{' '}
        {p.orphansOlderThanDays} days). {next}
        {last}
      </p>
    );
  return (
    <ActionForm action={setCatalogMaintenanceAction} submitLabel="Save schedule">
      <input type="hidden" name="id" value={catalogId} />
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Runs on every table of the main branch; never removes what another branch, a tag or a commit still reaches. A
        schedule turned on runs at the next hourly check. {next}
        {last}
      </p>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
        <SelectField
          name="expireSchedule"
          label="Expire snapshots"
          options={schedules}
          defaultValue={p.expireSchedule}
        />
        <Field
          name="expireOlderThanDays"
          label="Older than (days)"
          type="number"
          defaultValue={String(p.expireOlderThanDays)}
        />
        <Field
          name="expireRetainLast"
          label="Keep last (per branch)"
          type="number"
          defaultValue={String(p.expireRetainLast)}
        />
        <SelectField
          name="orphansSchedule"
          label="Remove orphan files"
          options={schedules}
          defaultValue={p.orphansSchedule}
        />
        <Field
          name="orphansOlderThanDays"
          label="Older than (days, at least 1)"
          type="number"
          defaultValue={String(p.orphansOlderThanDays)}
        />
      </div>
    </ActionForm>
  );
}
