import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { catalogs, federatedSyncStats, namespaces } from '@/db/schema';
import { authorize } from '../authz';
import { encryptSecret } from '../crypto';
import { AppError, conflict } from '../errors';
import { defineMutation } from '../mutation';
import { initCatalogHistory } from '../versioning/commit';
import { findCatalog, findWarehouse } from './lookup';
import { objectName, properties, uuid } from './names';
import { requireTenant } from '../authz';

const storageLocation = z.string().trim().max(2048, 'Storage location is at most 2048 characters')
  .regex(/^(s3a?|abfss?|gs|file):\/\/\S+$|^\/\S*$/, 'Storage location must be a URI such as s3://bucket/path, abfss://…, gs://… or an absolute path')
  .optional().or(z.literal('').transform(() => undefined));

const localCatalog = z.object({
  catalogType: z.literal('local'),
  name: objectName('Catalog'),
  warehouse: z.string().trim().min(1, 'Choose a warehouse'),
  storageLocation,
  properties,
}).strict();

const federatedCatalog = z.object({
  catalogType: z.literal('federated'),
  name: objectName('Catalog'),
  url: z.url({ protocol: /^https?$/, error: 'URL must be an http(s) address of an Iceberg REST catalog' }).max(2048),
  remoteWarehouse: z.string().trim().max(255).optional(),
  authType: z.enum(['none', 'bearer', 'oauth2']).default('none'),
  token: z.string().max(8192).optional(),
  clientId: z.string().max(512).optional(),
  clientSecret: z.string().max(8192).optional(),
  properties,
}).strict();

export const createCatalogInput = z.discriminatedUnion('catalogType', [localCatalog, federatedCatalog], {
  error: 'Catalog type must be "local" or "federated"',
});

/** Default location under the warehouse when none is given. */
function defaultLocation(w: { storageType: string; storageConfig: Record<string, string | boolean> }, catalog: string) {
  const c = w.storageConfig;
  switch (w.storageType) {
    case 's3': return `s3://${c.bucket}/${catalog}`;
    case 'gcs': return `gs://${c.bucket}/${catalog}`;
    case 'azure': return `abfss://${c.container}@${c.accountName}.dfs.core.windows.net/${catalog}`;
    default: return `file://${String(c.rootPath ?? '/tmp').replace(/\/$/, '')}/${catalog}`;
  }
}

export const createCatalog = defineMutation({
  action: 'catalog.create',
  resourceType: 'catalog',
  input: createCatalogInput,
  authorize: async (tx, actor) => authorize(tx, actor, 'create', { tenantId: requireTenant(actor) }),
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const values = input.catalogType === 'local'
      ? await (async () => {
        const w = await findWarehouse(tx, tenantId, input.warehouse);
        return { warehouseId: w.id, storageLocation: input.storageLocation ?? defaultLocation(w, input.name) };
      })()
      : {
        federatedConfig: { url: input.url, authType: input.authType, ...(input.remoteWarehouse ? { warehouse: input.remoteWarehouse } : {}), ...(input.clientId ? { clientId: input.clientId } : {}) },
        federatedCredentialsEncrypted: input.token || input.clientSecret
          ? encryptSecret(JSON.stringify({ token: input.token, clientSecret: input.clientSecret })) : null,
      };
    const [c] = await tx.insert(catalogs).values({ tenantId, name: input.name, catalogType: input.catalogType, properties: input.properties, ...values })
      .onConflictDoNothing().returning({ id: catalogs.id, name: catalogs.name });
    if (!c) throw new AppError('conflict', `A catalog named "${input.name}" already exists`, { name: ['This name is already taken'] });
    const history = await initCatalogHistory(tx, actor, tenantId, c.id);
    if (input.catalogType === 'federated') await tx.insert(federatedSyncStats).values({ tenantId, catalogId: c.id });
    return {
      data: { ...c, mainBranchId: history.mainBranchId },
      audit: { resourceId: c.id, resourceName: c.name, metadata: { catalogType: input.catalogType, ...values, federatedCredentialsEncrypted: undefined } },
    };
  },
  revalidate: () => ['/catalogs', '/'],
});

export const updateCatalogInput = z.object({ id: uuid('Catalog'), storageLocation, properties: properties.optional() }).strict();

export const updateCatalog = defineMutation({
  action: 'catalog.update',
  resourceType: 'catalog',
  input: updateCatalogInput,
  authorize: async (tx, actor, input) => {
    const c = await findCatalog(tx, requireTenant(actor), input.id);
    await authorize(tx, actor, 'update', { tenantId: c.tenantId, catalogId: c.id }, 'Catalog');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [c] = await tx.update(catalogs).set({
      ...(input.storageLocation !== undefined ? { storageLocation: input.storageLocation } : {}),
      ...(input.properties ? { properties: input.properties } : {}),
    }).where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, input.id))).returning({ id: catalogs.id, name: catalogs.name });
    return { data: c, audit: { resourceId: c.id, resourceName: c.name, metadata: { storageLocation: input.storageLocation, properties: input.properties } } };
  },
  revalidate: (i) => ['/catalogs', `/catalogs/${i.id}`],
});

export const deleteCatalogInput = z.object({ id: uuid('Catalog'), cascade: z.coerce.boolean().default(false), confirmation: z.string().optional() }).strict();

/** Refused while the catalog has namespaces, unless a cascade is confirmed by typing its name. */
export const deleteCatalog = defineMutation({
  action: 'catalog.delete',
  resourceType: 'catalog',
  input: deleteCatalogInput,
  authorize: async (tx, actor, input) => {
    const c = await findCatalog(tx, requireTenant(actor), input.id);
    await authorize(tx, actor, 'delete', { tenantId: c.tenantId, catalogId: c.id }, 'Catalog');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.id);
    const [{ n }] = await tx.select({ n: count() }).from(namespaces).where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.catalogId, c.id)));
    if (n > 0 && !input.cascade) throw conflict(`Catalog "${c.name}" still has ${n} namespace${n === 1 ? '' : 's'}; empty it first, or confirm a cascading delete`);
    if (input.cascade && input.confirmation !== c.name) {
      throw new AppError('validation_failed', `Type the catalog name "${c.name}" to confirm the cascading delete`, { confirmation: ['Does not match the catalog name'] });
    }
    await tx.delete(catalogs).where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, c.id)));
    return { data: { id: c.id }, audit: { resourceId: c.id, resourceName: c.name, metadata: { cascade: input.cascade, namespaces: n } } };
  },
  revalidate: () => ['/catalogs', '/'],
});
