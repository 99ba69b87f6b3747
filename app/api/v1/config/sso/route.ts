// GET, PUT /api/v1/config/sso
import { apiRoute, mutate, readJson } from '@/lib/api';
import { getSso } from '@/lib/governance/queries/sso';
import { updateSso } from '@/lib/governance/sso';

/** The tenant's single sign-on policy (TenantAdmin), mappings as `{ group, role }` with role TenantAdmin or a role name. */
export const GET = apiRoute(async ({ actor }) => (await getSso(actor)).policy);

/** Replaces the policy: `{ enabled, admitClaim, admitValues, provision, groupsClaim, mappings, contact? }`. */
export const PUT = apiRoute(async ({ req, actor }) => mutate(updateSso, actor, await readJson(req)));
