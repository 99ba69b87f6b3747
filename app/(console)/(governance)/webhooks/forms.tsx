'use client';

import { ActionForm, Field, TextAreaField } from '@/components/form';
import { SecretOnce } from '@/components/secret-once';
import { createWebhookAction } from './actions';

const DESCRIPTIONS: Record<string, string> = {
  'access_request.created': 'someone asks for access',
  'access_request.decided': 'a steward approves or rejects a request',
  'merge.completed': 'a merge lands on its target branch',
  'merge.conflicted': 'a merge stops on conflicts',
  'branch.created': 'a branch is created',
  'table.committed': 'an engine commits to a table (Iceberg REST)',
  'audit.verify_failed': "a verification finds the tenant's audit chain broken",
};

/** `events`: the events the server offers (from the schema, passed by the page). */
export function CreateWebhookForm({ events }: { events: readonly string[] }) {
  return (
    <ActionForm action={createWebhookAction} submitLabel="Create webhook" resetOnSuccess>
      <Field
        name="url"
        label="Receiver URL"
        type="url"
        required
        maxLength={2000}
        placeholder="https://hooks.example.com/pangolin"
        description="HTTPS only, and only where the server's egress policy allows."
      />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">Events</legend>
        {events.map((e) => (
          <label key={e} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="events" value={e} />
            <code className="text-xs">{e}</code>
            <span className="text-zinc-600 dark:text-zinc-400">{DESCRIPTIONS[e] ? `— ${DESCRIPTIONS[e]}` : null}</span>
          </label>
        ))}
      </fieldset>
      <TextAreaField name="description" label="Description (optional)" maxLength={500} rows={2} />
      <SecretOnce field="secret" label="Signing secret" />
    </ActionForm>
  );
}
