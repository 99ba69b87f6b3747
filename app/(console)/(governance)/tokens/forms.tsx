'use client';

import { ActionForm, Field } from '@/components/form';
import { SecretOnce } from '@/components/secret-once';
import { createTokenAction } from './actions';

export function CreateTokenForm() {
  return (
    <ActionForm action={createTokenAction} submitLabel="Create token" resetOnSuccess>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" required maxLength={100} placeholder="nightly export" />
        <Field name="ttlDays" label="Lifetime (days)" type="number" min={1} max={365} defaultValue={30} />
      </div>
      <SecretOnce field="token" label="API token" />
    </ActionForm>
  );
}
