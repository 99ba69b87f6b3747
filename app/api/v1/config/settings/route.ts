// GET, PUT /api/v1/config/settings
import { getSettings } from '@/lib/governance/queries/settings';
import { apiRoute, mutate, readJson } from '@/lib/api';
import { updateSettings } from '@/lib/governance/settings';

export const GET = apiRoute(async ({ actor }) => getSettings(actor));

/** Fields left out keep their value; `smtp: null` turns mail off; `smtp.password` is stored encrypted and never returned. */
export const PUT = apiRoute(async ({ req, actor }) => mutate(updateSettings, actor, await readJson(req)));
