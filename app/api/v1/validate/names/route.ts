// POST /api/v1/validate/names
import { apiRoute, readJson } from '@/lib/api';
import { validateNamesBody } from '@/lib/catalog/api-schemas';
import { validateNames } from '@/lib/catalog/queries/names';
import { validationError } from '@/lib/errors';

/** Checks names against the naming rule and what exists, before creating anything. Changes nothing. */
export const POST = apiRoute(async ({ req, actor }) => {
  const parsed = validateNamesBody.safeParse(await readJson(req));
  if (!parsed.success) throw validationError(parsed.error);
  return validateNames(actor, parsed.data.resourceType, parsed.data.names);
});
