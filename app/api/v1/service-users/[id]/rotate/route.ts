// POST /api/v1/service-users/{id}/rotate
import { apiRoute, mutate, readJson, withPath } from '@/lib/api';
import { rotateServiceUserKey } from '@/lib/governance/service-users';

/** Replaces the key at once (the old one stops working) and answers the new one, shown only here. */
export const POST = apiRoute<{ id: string }>(async ({ req, actor, params }) =>
  mutate(rotateServiceUserKey, actor, withPath(await readJson(req), { id: params.id })),
);
