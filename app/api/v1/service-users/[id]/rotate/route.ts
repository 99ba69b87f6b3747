import { apiRoute, mutate } from '@/lib/api';
import { bodyWith } from '@/lib/governance/api';
import { rotateServiceUserKey } from '@/lib/governance/service-users';

/** Replaces the key at once (the old one stops working) and answers the new one, shown only here. */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) => mutate(rotateServiceUserKey, actor, await bodyWith(req, { id: params.id })));
