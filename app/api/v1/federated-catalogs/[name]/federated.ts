import { getCatalog } from '@/lib/catalog/queries/catalogs';
import type { Actor } from '@/lib/actor';
import { notFound } from '@/lib/errors';

/** The catalog behind /federated-catalogs/{name}: a local catalog of that name is "not found" here. */
export async function federatedCatalog(actor: Actor, name: string) {
  const c = await getCatalog(actor, name);
  if (c.catalogType !== 'federated') throw notFound(`Federated catalog "${name}"`);
  return c;
}
