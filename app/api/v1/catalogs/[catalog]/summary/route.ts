// GET /api/v1/catalogs/{catalog}/summary
import { catalogSummary, getCatalog } from '@/lib/catalog/queries/catalogs';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute<{ catalog: string }>(async ({ actor, params }) => {
  const c = await getCatalog(actor, params.catalog);
  return catalogSummary(actor, c.id);
});
