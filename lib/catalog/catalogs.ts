import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { catalogs, federatedSyncStats, namespaces } from '@/db/schema';
import { authorize, isTenantAdmin, requireTenant } from '../authz';
import { decryptSecret, encryptSecret } from '../crypto';
import { AppError, conflict, forbidden, notFound } from '../errors';
import { pathToFileURL } from 'node:url';
import { localWarehouseRoot } from '../storage/roots';
import { locationInWarehouse } from './warehouses';
import { defineMutation, registerMutations } from '../mutation';
import { initCatalogHistory } from './commit';
import { findCatalog, findWarehouse } from './lookup';
import { flag, objectName, properties, storageLocationUri } from './names';
import { idSchema } from '@/lib/ids';
import { getTenantSettings } from '../governance/settings';

const storageLocation = storageLocationUri.optional().or(z.literal('').transform(() => undefined));

export const localCatalogInput = z
  .object({
    catalogType: z.literal('local'),
    name: objectName('Catalog'),
    /** Id or name; left out (or empty), the tenant's default warehouse from its settings. */
    warehouse: z.preprocess(
      (v) => (typeof v === 'string' && !v.trim() ? undefined : v),
      z.string().trim().max(255, 'Warehouse is at most 255 characters').optional(),
    ),
    storageLocation,
    properties,
  })
  .strict();

/** Credentials never ride in the URL (they would be shown back with it): they go in the token fields. */
const remoteUrl = z
  .url({ protocol: /^https?$/, error: 'URL must be an http(s) address of an Iceberg REST catalog' })
  .max(2048, 'URL is at most 2048 characters')
  .refine((u) => {
    const x = new URL(u);
    return !x.username && !x.password;
  }, 'URL must not contain a user name or password; use the token fields')
  .transform((u) => u.replace(/\/+$/, ''));

const authType = z.enum(['none', 'bearer', 'oauth2'], { error: 'Authentication must be none, bearer or oauth2' });

const federatedFields = {
  url: remoteUrl,
  remoteWarehouse: z.string().trim().max(255, 'Remote warehouse is at most 255 characters').optional(),
  authType: authType.default('none'),
  token: z.string().max(8192, 'Token is at most 8192 characters').optional(),
  clientId: z.string().trim().max(512, 'Client id is at most 512 characters').optional(),
  clientSecret: z.string().max(8192, 'Client secret is at most 8192 characters').optional(),
};

export const federatedCatalogInput = z
  .object({
    catalogType: z.literal('federated'),
    name: objectName('Catalog'),
    ...federatedFields,
    properties,
  })
  .strict();

function federatedValues(input: { url: string; authType: string; remoteWarehouse?: string; clientId?: string }) {
  return {
    url: input.url,
    authType: input.authType,
    ...(input.remoteWarehouse ? { warehouse: input.remoteWarehouse } : {}),
    ...(input.clientId ? { clientId: input.clientId } : {}),
  };
}

const sealRemoteSecrets = (s: { token?: string; clientSecret?: string }) =>
  s.token || s.clientSecret
    ? encryptSecret(JSON.stringify({ token: s.token || undefined, clientSecret: s.clientSecret || undefined }))
    : null;

export const createCatalogInput = z.discriminatedUnion('catalogType', [localCatalogInput, federatedCatalogInput], {
  error: 'Catalog type must be "local" or "federated"',
});

type WarehouseRow = { storageType: string; storageConfig: Record<string, string | boolean> };

/** Where the warehouse keeps files: its local folder (inside the tenant's) or its bucket/container. */
function warehouseRootUri(tenantId: string, w: WarehouseRow): string | null {
  const c = w.storageConfig;
  switch (w.storageType) {
    case 's3':
      return `s3://${c.bucket}`;
    case 'gcs':
      return `gs://${c.bucket}`;
    case 'azure':
      return `abfss://${c.container}@${c.accountName}.dfs.core.windows.net`;
    default: {
      const dir = localWarehouseRoot(tenantId, c.rootPath);
      return dir ? pathToFileURL(dir).href : null;
    }
  }
}

/** Default location under the warehouse when none is given. */
function defaultLocation(tenantId: string, w: WarehouseRow, catalog: string) {
  const root = warehouseRootUri(tenantId, w);
  if (!root)
    throw new AppError(
      'validation_failed',
      "The warehouse's root path is not a folder inside this tenant's storage folder; update the warehouse first",
      { warehouse: ["Update this warehouse's root path first"] },
    );
  return `${root}/${encodeURIComponent(catalog)}`;
}

/** A catalog's storage location lies inside its warehouse; anything else is refused, naming the field. */
function checkInsideWarehouse(tenantId: string, w: WarehouseRow, location: string) {
  if (locationInWarehouse(tenantId, w, location)) return;
  throw new AppError('validation_failed', "Storage location must lie inside the catalog's warehouse", {
    storageLocation: [
      `Must be inside the warehouse (${w.storageType === 'local' ? 'its folder' : warehouseRootUri(tenantId, w)})`,
    ],
  });
}

/** The warehouse a local catalog gets when none is chosen: the tenant's default, as its settings name it. */
async function defaultWarehouseOf(tx: Tx, tenantId: string): Promise<string> {
  const { defaultWarehouseId } = await getTenantSettings(tx, tenantId);
  if (!defaultWarehouseId) {
    throw new AppError('validation_failed', 'Choose a warehouse: this tenant has no default warehouse', {
      warehouse: ['Choose a warehouse'],
    });
  }
  return defaultWarehouseId;
}

export const createCatalog = defineMutation({
  action: 'catalog.create',
  recordInput: [
    'catalogType',
    'name',
    'warehouse',
    'storageLocation',
    'properties',
    'url',
    'remoteWarehouse',
    'authType',
    'clientId',
  ],
  resourceType: 'catalog',
  input: createCatalogInput,
  authorize: async (tx, actor) => authorize(tx, actor, 'create', { tenantId: requireTenant(actor) }),
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const values =
      input.catalogType === 'local'
        ? await (async () => {
            const w = await findWarehouse(tx, tenantId, input.warehouse ?? (await defaultWarehouseOf(tx, tenantId)));
            if (input.storageLocation) checkInsideWarehouse(tenantId, w, input.storageLocation);
            return {
              warehouseId: w.id,
              storageLocation: input.storageLocation ?? defaultLocation(tenantId, w, input.name),
            };
          })()
        : { federatedConfig: federatedValues(input), federatedCredentialsEncrypted: sealRemoteSecrets(input) };
    const [c] = await tx
      .insert(catalogs)
      .values({ tenantId, name: input.name, catalogType: input.catalogType, properties: input.properties, ...values })
      .onConflictDoNothing()
      .returning({ id: catalogs.id, name: catalogs.name });
    if (!c)
      throw new AppError('conflict', `A catalog named "${input.name}" already exists`, {
        name: ['This name is already taken'],
      });
    const history = await initCatalogHistory(tx, actor, tenantId, c.id);
    if (input.catalogType === 'federated') await tx.insert(federatedSyncStats).values({ tenantId, catalogId: c.id });
    return {
      data: { ...c, mainBranchId: history.mainBranchId },
      audit: {
        resourceId: c.id,
        resourceName: c.name,
        metadata: { catalogType: input.catalogType, ...values, federatedCredentialsEncrypted: undefined },
      },
    };
  },
  revalidate: () => ['/catalogs', '/'],
});

export const updateCatalogInput = z
  .object({
    id: idSchema('Catalog'),
    storageLocation,
    properties: properties.optional(),
    /** Federated catalogs only: blank secret fields keep what is stored. */
    url: remoteUrl.optional(),
    remoteWarehouse: federatedFields.remoteWarehouse,
    authType: authType.optional(),
    token: federatedFields.token,
    clientId: federatedFields.clientId,
    clientSecret: federatedFields.clientSecret,
    clearCredentials: flag,
  })
  .strict();

export const updateCatalog = defineMutation({
  action: 'catalog.update',
  recordInput: ['id', 'storageLocation', 'properties', 'url', 'remoteWarehouse', 'authType', 'clientId'],
  resourceType: 'catalog',
  input: updateCatalogInput,
  authorize: async (tx, actor, input) => {
    const c = await findCatalog(tx, requireTenant(actor), input.id);
    await authorize(tx, actor, 'update', { tenantId: c.tenantId, catalogId: c.id }, 'Catalog');
    // Where a catalog keeps its files is the warehouse's business: only those who manage warehouses move it.
    if (input.storageLocation !== undefined && !isTenantAdmin(actor)) {
      throw forbidden("Only a TenantAdmin (who manages warehouses) may change a catalog's storage location");
    }
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const [current] = await tx
      .select({
        catalogType: catalogs.catalogType,
        federatedConfig: catalogs.federatedConfig,
        sealed: catalogs.federatedCredentialsEncrypted,
        warehouseId: catalogs.warehouseId,
      })
      .from(catalogs)
      .where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, input.id)))
      .for('update');
    if (!current) throw notFound('Catalog');
    const touchesRemote =
      input.url !== undefined ||
      input.authType !== undefined ||
      input.remoteWarehouse !== undefined ||
      !!input.token ||
      input.clientId !== undefined ||
      !!input.clientSecret ||
      input.clearCredentials;
    if (current.catalogType === 'local' && touchesRemote) {
      throw new AppError('validation_failed', 'Only a federated catalog has a remote URL and credentials', {
        url: ['Not used by a local catalog'],
      });
    }
    if (current.catalogType === 'federated' && input.storageLocation !== undefined) {
      throw new AppError('validation_failed', 'A federated catalog has no storage location of its own', {
        storageLocation: ['Not used by a federated catalog'],
      });
    }
    if (current.catalogType === 'local' && input.storageLocation !== undefined) {
      if (!current.warehouseId)
        throw new AppError('validation_failed', 'This catalog has no warehouse to keep files in', {
          storageLocation: ['Choose a warehouse first'],
        });
      checkInsideWarehouse(tenantId, await findWarehouse(tx, tenantId, current.warehouseId), input.storageLocation);
    }
    const remote: { federatedConfig?: Record<string, string>; federatedCredentialsEncrypted?: string | null } =
      current.catalogType === 'federated' && touchesRemote
        ? (() => {
            const cfg = current.federatedConfig ?? {};
            const next = federatedValues({
              url: input.url ?? cfg.url,
              authType: input.authType ?? cfg.authType ?? 'none',
              remoteWarehouse: input.remoteWarehouse ?? cfg.warehouse,
              clientId: input.clientId ?? cfg.clientId,
            });
            const kept =
              !input.clearCredentials && current.sealed
                ? (JSON.parse(decryptSecret(current.sealed)) as { token?: string; clientSecret?: string })
                : {};
            const replacing = !!input.token || !!input.clientSecret;
            return {
              federatedConfig: next,
              ...(replacing
                ? {
                    federatedCredentialsEncrypted: sealRemoteSecrets({
                      ...kept,
                      ...(input.token ? { token: input.token } : {}),
                      ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}),
                    }),
                  }
                : input.clearCredentials
                  ? { federatedCredentialsEncrypted: null }
                  : {}),
            };
          })()
        : {};
    const [c] = await tx
      .update(catalogs)
      .set({
        ...(input.storageLocation !== undefined ? { storageLocation: input.storageLocation } : {}),
        ...(input.properties ? { properties: input.properties } : {}),
        ...remote,
      })
      .where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, input.id)))
      .returning({ id: catalogs.id, name: catalogs.name });
    return {
      data: c,
      audit: {
        resourceId: c.id,
        resourceName: c.name,
        metadata: {
          storageLocation: input.storageLocation,
          properties: input.properties,
          federatedConfig: remote.federatedConfig,
          sealedFieldsReplaced: [input.token ? 'token' : null, input.clientSecret ? 'clientSecret' : null].filter(
            Boolean,
          ),
          sealedFieldsCleared: input.clearCredentials,
        },
      },
    };
  },
  revalidate: (i) => ['/catalogs', `/catalogs/${i.id}`],
});

export const deleteCatalogInput = z
  .object({
    id: idSchema('Catalog'),
    cascade: flag,
    confirmation: z.string().max(256, 'Confirmation is at most 256 characters').optional(),
  })
  .strict();

/** Refused while the catalog has namespaces, unless a cascade is confirmed by typing its name. */
export const deleteCatalog = defineMutation({
  action: 'catalog.delete',
  recordInput: ['id', 'cascade', 'confirmation'],
  resourceType: 'catalog',
  input: deleteCatalogInput,
  authorize: async (tx, actor, input) => {
    const c = await findCatalog(tx, requireTenant(actor), input.id);
    await authorize(tx, actor, 'delete', { tenantId: c.tenantId, catalogId: c.id }, 'Catalog');
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.id);
    const [{ n }] = await tx
      .select({ n: count() })
      .from(namespaces)
      .where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.catalogId, c.id)));
    if (n > 0 && !input.cascade)
      throw conflict(
        `Catalog "${c.name}" still has ${n} namespace${n === 1 ? '' : 's'}; empty it first, or confirm a cascading delete`,
      );
    if (input.cascade && input.confirmation !== c.name) {
      throw new AppError('validation_failed', `Type the catalog name "${c.name}" to confirm the cascading delete`, {
        confirmation: ['Does not match the catalog name'],
      });
    }
    await tx.delete(catalogs).where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, c.id)));
    return {
      data: { id: c.id },
      audit: { resourceId: c.id, resourceName: c.name, metadata: { cascade: input.cascade, namespaces: n } },
    };
  },
  revalidate: () => ['/catalogs', '/'],
});

registerMutations(createCatalog, updateCatalog, deleteCatalog);
