'use client';

import { ActionForm, CheckboxField, Field, TextAreaField } from '@/components/form';
import type { SsoView } from '@/lib/governance/sso';
import { updateSsoAction } from './sso-actions';

/** Settings → Single sign-on: who the company's identity provider admits to this tenant, and with which roles. */
export function SsoForm({ policy, provider }: { policy: SsoView; provider: string }) {
  return (
    <ActionForm action={updateSsoAction} submitLabel="Save single sign-on">
      <section className="space-y-4">
        <h2 className="text-sm font-semibold">Single sign-on ({provider})</h2>
        <CheckboxField
          name="enabled"
          label="Admit people from the identity provider"
          defaultChecked={policy.enabled}
          description="People whose claim holds one of the values below sign in to this tenant with the provider."
        />
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field
            name="admitClaim"
            label="Claim that admits"
            defaultValue={policy.admitClaim}
            maxLength={100}
            required
            description="Such as groups, or roles."
          />
          <TextAreaField
            name="admitValues"
            label="Values that admit (one a line)"
            defaultValue={policy.admitValues.join('\n')}
            rows={3}
            description="Any one of them admits the person, such as lake-acme."
          />
        </div>
        <CheckboxField
          name="provision"
          label="Create the account at first sign-in"
          defaultChecked={policy.provision}
          description="Otherwise only people an admin already linked may sign in; others see whom to ask."
        />
        <Field
          name="groupsClaim"
          label="Claim with the person's groups"
          defaultValue={policy.groupsClaim}
          maxLength={100}
          required
        />
        <TextAreaField
          name="mappings"
          label="Group → role (one a line: group = role)"
          defaultValue={policy.mappings.map((m) => `${m.group} = ${m.role}`).join('\n')}
          rows={5}
          placeholder={'lake-admins = TenantAdmin\nlake-analysts = analysts'}
          description="Role is TenantAdmin or a custom role's name. Applied at every sign-in: a role given by a group is removed when the group is gone; roles an admin assigned stay."
        />
        <Field
          name="contact"
          label="Whom refused people should ask"
          defaultValue={policy.contact}
          maxLength={200}
          description="Shown on the page a person sees when this tenant does not admit them, such as data-platform@acme.example."
        />
      </section>
    </ActionForm>
  );
}
