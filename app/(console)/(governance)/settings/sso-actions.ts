'use server';

import type { ActionResult } from '@/lib/action-result';
import { runAction } from '@/lib/action';
import { updateSso } from '@/lib/governance/sso';

/** The single sign-on section: unticked boxes mean false; values and mappings are one a line. */
export async function updateSsoAction(_prev: ActionResult<unknown> | null, formData: FormData) {
  const text = (k: string) => String(formData.get(k) ?? '');
  return runAction(
    updateSso,
    {
      enabled: formData.has('enabled'),
      admitClaim: text('admitClaim'),
      admitValues: text('admitValues'),
      provision: formData.has('provision'),
      groupsClaim: text('groupsClaim'),
      mappings: text('mappings'),
      contact: text('contact'),
    },
    { formData, message: () => 'Single sign-on saved.' },
  );
}
