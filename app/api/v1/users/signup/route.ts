// POST /api/v1/users/signup
import { getDb } from '@/db/client';
import { publicRoute, readJson } from '@/lib/api';
import { findTenantForSignup } from '@/lib/governance/signup';
import { publicSignup, signupActor } from '@/lib/governance/users';
import { executeMutation } from '@/lib/mutation';
import { requestInfoFrom } from '@/lib/request-info';

/** Self-service account creation, only where the tenant's settings allow public sign-up. */
export const POST = publicRoute(async ({ req }) => {
  const body = (await readJson(req)) as Record<string, unknown>;
  const tenantId = await findTenantForSignup(await getDb(), body?.tenant);
  const { data } = await executeMutation(publicSignup, signupActor(tenantId, requestInfoFrom(req.headers)), body);
  return data;
});
