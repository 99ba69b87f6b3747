'use server';

import type { ActionResult } from '@/lib/action-result';
import { formObject, runAction } from '@/lib/action';
import { createApiToken, revokeAllTokens, revokeTokenById } from '@/lib/governance/tokens';

type Prev = ActionResult<unknown> | null;

export async function createTokenAction(_prev: Prev, formData: FormData) {
  return runAction(createApiToken, formObject(formData), {
    formData,
    message: (d) => `Created the token "${d.name}".`,
  });
}

export async function revokeTokenAction(formData: FormData) {
  return runAction(
    revokeTokenById,
    { id: formData.get('id') },
    { message: () => 'Revoked: it stops working at once.' },
  );
}

export async function revokeAllAction(formData: FormData) {
  return runAction(revokeAllTokens, {
    userId: formData.get('userId'),
    keepCurrent: formData.get('keepCurrent') === 'true',
  });
}
