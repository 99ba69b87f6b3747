// GET, POST /api/v1/webhooks
import { apiRoute, mutate, readJson } from '@/lib/api';
import { webhookListQuery } from '@/lib/governance/api-schemas';
import { listWebhooks } from '@/lib/governance/queries/webhooks';
import { createWebhook } from '@/lib/governance/webhooks';
import { parseQuery } from '@/lib/openapi';

export const GET = apiRoute(async ({ actor, url }) => {
  const { dir, ...q } = parseQuery(webhookListQuery, url);
  return listWebhooks(actor, { ...q, desc: dir === 'desc' });
});

/** The answer carries `secret` (whsec_…) — the only time it is ever shown. */
export const POST = apiRoute(async ({ req, actor }) => mutate(createWebhook, actor, await readJson(req)), {
  status: 201,
});
