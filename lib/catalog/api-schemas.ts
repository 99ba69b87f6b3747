import { z } from 'zod';
// Shared list parameters, under the short names the queries below use.
import { pageCursor as cursor, pageLimit as limit, sortDir as dir, textParam as text } from '../openapi';
import { objectName } from './names';

/*
 * Query, path and response schemas of the catalog API. The routes parse their query strings with these
 * (lib/openapi.ts parseQuery) and lib/catalog/openapi.ts documents them, so the two cannot disagree.
 * Request bodies are the mutations' own input schemas.
 */

export const tenantListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the tenant name' }),
    sort: z.enum(['name', 'createdAt'], { error: 'sort must be name or createdAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const warehouseListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the warehouse name' }),
    storageType: z
      .enum(['s3', 'azure', 'gcs', 'local'], { error: 'storageType must be s3, azure, gcs or local' })
      .optional(),
    sort: z.enum(['name', 'createdAt'], { error: 'sort must be name or createdAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const catalogListQuery = z
  .object({
    q: text('q').meta({ description: 'Part of the catalog name' }),
    type: z.enum(['local', 'federated'], { error: 'type must be local or federated' }).optional(),
    sort: z.enum(['name', 'createdAt'], { error: 'sort must be name or createdAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const namespaceListQuery = z
  .object({
    parent: z.string().max(4096).optional().meta({
      description: 'List the children of this namespace (dotted, or parts joined by %1F); the top level otherwise',
    }),
    after: z
      .string()
      .max(255)
      .optional()
      .meta({ description: 'Continue after this namespace name (the nextCursor of the previous page)' }),
    limit,
  })
  .strict();

export const branchQuery = z.object({ branch: objectName('Branch').default('main') }).strict();

export const assetListQuery = z
  .object({
    branch: objectName('Branch').default('main'),
    q: text('q').meta({ description: 'Part of the table or view name (case-insensitive)' }),
    type: z.enum(['table', 'view'], { error: 'type must be table or view' }).optional(),
    sort: z.enum(['name', 'updatedAt'], { error: 'sort must be name or updatedAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const searchQuery = z
  .object({
    q: text('q').meta({
      description: 'Matches a name prefix, words of the description (as prefixes), or a tag exactly',
    }),
    tag: z.string().trim().max(64, 'tag is at most 64 characters').optional(),
    type: z.enum(['table', 'view'], { error: 'type must be table or view' }).optional(),
    catalog: z.string().trim().max(128, 'catalog is at most 128 characters').optional(),
    cursor,
    limit,
  })
  .strict();

export const deleteQuery = z
  .object({
    cascade: z
      .enum(['true', 'false'], { error: 'cascade must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    confirmation: z
      .string()
      .max(256, 'confirmation is at most 256 characters')
      .optional()
      .meta({ description: 'For a cascade: the exact name of the object' }),
  })
  .strict();

export const emptyQuery = z.object({}).strict();

/* Path parameters. */
export const tenantPath = z.object({ id: z.string().meta({ description: 'Tenant id' }) });
export const warehousePath = z.object({ warehouse: z.string().meta({ description: 'Warehouse name or id' }) });
export const catalogPath = z.object({ catalog: z.string().meta({ description: 'Catalog name or id' }) });
export const namespacePathParams = catalogPath.extend({
  ns: z.string().meta({ description: 'Namespace: levels joined by "." or %1F' }),
});
export const assetPathParams = namespacePathParams.extend({
  asset: z.string().meta({ description: 'Table or view name, or its id' }),
});
export const assetIdPath = z.object({ id: z.uuid().meta({ description: 'Asset id (the same on every branch)' }) });
export const federatedPath = z.object({ name: z.string().meta({ description: 'Federated catalog name or id' }) });

/* Responses. */
const when = z.iso.datetime({ offset: true });
const props = z.record(z.string(), z.string());
const page = <T extends z.ZodType>(row: T, id: string) =>
  z
    .object({
      rows: z.array(row),
      nextCursor: z.string().nullable(),
      total: z.number().int(),
      totalCapped: z.boolean().optional().meta({
        description:
          'true when total is a lower bound: counting stopped early (at 10,000 for lists, 1,000 or on a frequent word for search)',
      }),
    })
    .meta({ id });

export const tenantRow = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  createdAt: when,
  catalogCount: z.number().int(),
  userCount: z.number().int(),
});
export const tenantPage = page(tenantRow, 'TenantPage');
export const tenantDetail = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    properties: props,
    createdAt: when,
    updatedAt: when,
    counts: z.object({ catalogs: z.number().int(), warehouses: z.number().int(), users: z.number().int() }),
    admins: z.array(z.object({ id: z.uuid(), username: z.string() })),
  })
  .meta({ id: 'Tenant' });
export const tenantCreated = tenantDetail.extend({
  adminUsername: z.string().nullable().meta({ description: 'The first TenantAdmin (null when none was asked for)' }),
  generatedPassword: z.string().nullable().meta({
    description: "The first TenantAdmin's generated password, shown only in this answer (null when one was given)",
  }),
});

export const warehouseRow = z.object({
  id: z.uuid(),
  name: z.string(),
  storageType: z.enum(['s3', 'azure', 'gcs', 'local']),
  location: z.string(),
  vendingStrategy: z.string(),
  catalogCount: z.number().int(),
  createdAt: when,
});
export const warehousePage = page(warehouseRow, 'WarehousePage');
export const warehouseDetail = z
  .object({
    id: z.uuid(),
    name: z.string(),
    storageType: z.enum(['s3', 'azure', 'gcs', 'local']),
    storageConfig: z.record(z.string(), z.union([z.string(), z.boolean()])),
    vendingStrategy: z.string(),
    useSts: z.boolean(),
    storedSecretFields: z
      .array(z.string())
      .meta({ description: 'Names of the stored credential fields; their values are never returned' }),
    catalogs: z.array(z.object({ id: z.uuid(), name: z.string() })),
    catalogCount: z.number().int(),
    createdAt: when,
    updatedAt: when,
  })
  .meta({ id: 'Warehouse' });

export const catalogRow = z.object({
  id: z.uuid(),
  name: z.string(),
  catalogType: z.enum(['local', 'federated']),
  warehouseName: z.string().nullable(),
  location: z.string().nullable(),
  createdAt: when,
});
export const catalogPage = page(catalogRow, 'CatalogPage');
export const catalogDetail = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    name: z.string(),
    catalogType: z.enum(['local', 'federated']),
    warehouse: z
      .object({ id: z.uuid(), name: z.string(), storageType: z.string(), vendingStrategy: z.string() })
      .nullable(),
    storageLocation: z.string().nullable(),
    remote: z
      .object({
        url: z.string(),
        authType: z.string(),
        warehouse: z.string().nullable(),
        clientId: z.string().nullable(),
        hasStoredSecret: z.boolean(),
      })
      .nullable(),
    properties: props,
    createdAt: when,
    updatedAt: when,
    may: z.object({ update: z.boolean(), delete: z.boolean(), createNamespace: z.boolean() }),
  })
  .meta({ id: 'Catalog' });
export const catalogSummary = z
  .object({
    namespaces: z.number().int(),
    tables: z.number().int(),
    views: z.number().int(),
    branches: z.number().int(),
    lastCommit: z
      .object({ id: z.uuid(), message: z.string(), authorName: z.string(), branchName: z.string(), createdAt: when })
      .nullable(),
  })
  .meta({ id: 'CatalogSummary' });

export const syncStats = z
  .object({
    status: z.enum(['never', 'running', 'succeeded', 'failed']),
    lastSyncAt: when.nullable(),
    durationMs: z.number().int().nullable(),
    namespaces: z.number().int(),
    tables: z.number().int(),
    views: z.number().int().nullable(),
    error: z.string().nullable(),
    stats: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'FederatedSyncStats' });
export const federatedDetail = catalogDetail.extend({ sync: syncStats });
export const connectionTest = z.object({
  ok: z.boolean(),
  message: z.string(),
  latencyMs: z.number().int(),
  prefix: z.string().nullable().optional(),
});
export const syncResult = z.object({
  ok: z.boolean(),
  message: z.string(),
  durationMs: z.number().int(),
  figures: z
    .object({
      namespaces: z.number().int(),
      tables: z.number().int(),
      views: z.number().int(),
      viewsSupported: z.boolean(),
      truncated: z.boolean(),
      requests: z.number().int(),
      sample: z.array(z.string()),
    })
    .nullable(),
});

const nsNode = z.object({ id: z.uuid(), name: z.string(), path: z.array(z.string()), hasChildren: z.boolean() });
export const namespaceList = z.object({ namespaces: z.array(nsNode), nextCursor: z.string().nullable() });
type TreeNode = { name: string; path: string[]; children: TreeNode[] };
const treeNode: z.ZodType<TreeNode> = z
  .lazy(() => z.object({ name: z.string(), path: z.array(z.string()), children: z.array(treeNode) }))
  .meta({ id: 'NamespaceTreeNode' });
export const namespaceTreeResponse = z.object({
  tree: z.array(treeNode),
  count: z.number().int(),
  truncated: z.boolean(),
});
export const namespaceDetail = z
  .object({
    id: z.uuid(),
    path: z.array(z.string()),
    properties: props,
    childCount: z.number().int(),
    assetCount: z.number().int().meta({ description: 'Tables and views on any branch (counted up to 10,001)' }),
    createdAt: when,
    updatedAt: when,
    may: z.object({ update: z.boolean(), delete: z.boolean(), create: z.boolean() }),
  })
  .meta({ id: 'Namespace' });
export const namespacePropertiesResult = z.object({
  updated: z.array(z.string()),
  removed: z.array(z.string()),
  missing: z.array(z.string()),
});

export const assetRow = z.object({
  assetId: z.uuid(),
  name: z.string(),
  assetType: z.enum(['table', 'view']),
  metadataLocation: z.string().nullable(),
  updatedAt: when,
  description: z.string().nullable(),
  tags: z.array(z.string()),
});
export const assetPage = page(assetRow, 'AssetPage');
export const assetDetail = z
  .object({
    assetId: z.uuid(),
    catalogId: z.uuid(),
    name: z.string(),
    assetType: z.enum(['table', 'view']),
    namespacePath: z.array(z.string()),
    branch: z.object({ id: z.uuid(), name: z.string() }),
    state: z
      .object({
        metadataLocation: z.string().nullable(),
        schemaId: z.number().int().nullable(),
        properties: props,
        updatedAt: when,
        lastCommit: z.object({ id: z.uuid(), message: z.string(), authorName: z.string(), createdAt: when }),
      })
      .nullable()
      .meta({ description: 'null when the asset is only discoverable to the caller' }),
    business: z.object({
      description: z.string().nullable(),
      tags: z.array(z.string()),
      discoverable: z.boolean(),
      updatedAt: when.nullable(),
      updatedBy: z.string().nullable(),
    }),
    onBranches: z.array(z.string()),
    may: z.object({ read: z.boolean(), editMetadata: z.boolean(), update: z.boolean(), delete: z.boolean() }),
  })
  .meta({ id: 'Asset' });
export const assetCreated = z.object({
  assetId: z.uuid(),
  commitId: z.uuid(),
  catalogId: z.uuid(),
  branchId: z.uuid(),
});

export const searchHit = z.object({
  assetId: z.uuid(),
  name: z.string(),
  assetType: z.enum(['table', 'view']),
  catalogName: z.string(),
  namespacePath: z.array(z.string()),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  updatedAt: when,
});
export const searchPage = page(searchHit, 'SearchPage');

export const businessMetadata = z
  .object({
    assetId: z.uuid(),
    description: z.string().nullable(),
    tags: z.array(z.string()),
    discoverable: z.boolean(),
    updatedAt: when.nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'BusinessMetadata' });

export const deleted = z.object({ id: z.string(), deleted: z.literal(true) });

/*
 * Requests the reference system's clients send (README: "Reference-compatible requests"). Where its field names are
 * snake_case, both spellings are accepted; an unknown field is still a 422 naming it.
 */
const renameKeys = (names: Record<string, string>) => (v: unknown) => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) out[names[k] ?? k] = value;
  return out;
};

export const assetSearchCompatQuery = z
  .object({
    query: text('query').meta({ description: 'The search text (the reference name for q)' }),
    q: text('q').meta({ description: 'The same as query' }),
    tag: z.string().trim().max(64, 'tag is at most 64 characters').optional(),
    type: z.enum(['table', 'view'], { error: 'type must be table or view' }).optional(),
    catalog: z.string().trim().max(128, 'catalog is at most 128 characters').optional(),
    cursor,
    limit,
  })
  .strict();

export const unifiedSearchQuery = z
  .object({
    query: text('query').meta({ description: 'The search text' }),
    q: text('q').meta({ description: 'The same as query' }),
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(100, 'limit is at most 100')
      .default(20),
  })
  .strict();
export const unifiedSearchAnswer = z.object({
  query: z.string(),
  catalogs: z.array(z.object({ id: z.uuid(), name: z.string(), catalogType: z.enum(['local', 'federated']) })),
  assets: z.array(searchHit),
  totals: z.object({ catalogs: z.number().int(), assets: z.number().int(), assetsCapped: z.boolean() }),
});

export const dashboardStats = z.object({
  tenants: z.number().int(),
  catalogs: z.number().int(),
  assets: z.number().int(),
  assetsAtLeast: z.boolean().meta({ description: 'true when assets is a lower bound' }),
  users: z.number().int().nullable().meta({ description: 'null where the caller may not list users' }),
  pendingRequests: z.number().int(),
});

export const validateNamesBody = z.preprocess(
  renameKeys({ resource_type: 'resourceType' }),
  z
    .object({
      resourceType: z.enum(['tenant', 'warehouse', 'catalog'], {
        error: 'resourceType must be tenant, warehouse or catalog',
      }),
      names: z
        .array(z.string().max(1000), { error: 'names must be a list of names' })
        .min(1, 'Send at least one name')
        .max(100, 'At most 100 names at once'),
    })
    .strict(),
);
export const validateNamesAnswer = z.object({
  resourceType: z.string(),
  results: z.array(
    z.object({
      name: z.string(),
      valid: z.boolean().meta({ description: 'Follows the naming rule' }),
      available: z.boolean().meta({ description: 'Valid and not taken (in the tenant; tenants: anywhere)' }),
      message: z.string().nullable(),
    }),
  ),
});

export const bulkDeleteBody = z.preprocess(
  renameKeys({ asset_ids: 'assetIds', dry_run: 'dryRun' }),
  z
    .object({
      assetIds: z.array(z.string(), { error: 'assetIds must be a list of table ids' }).meta({
        description: 'Ids of the tables or views (asset_ids is accepted too)',
      }),
      branch: z.string().max(128).optional().meta({ description: 'The branch to drop them on (main)' }),
      message: z.string().max(2000).optional(),
      dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional().meta({
        description: 'Only answer what would be dropped, and what would refuse the request (dry_run is accepted too)',
      }),
    })
    .strict(),
);
export const bulkDeleteAnswer = z.union([
  z.object({
    dryRun: z.literal(true),
    branch: z.string(),
    assets: z.array(
      z.object({
        assetId: z.uuid(),
        catalog: z.string(),
        namespace: z.array(z.string()),
        name: z.string(),
        assetType: z.string(),
        metadataLocation: z.string().nullable(),
      }),
    ),
    refused: z.array(z.object({ assetId: z.string(), reason: z.string() })),
  }),
  z.object({
    dryRun: z.literal(false),
    branch: z.string(),
    dropped: z.array(
      z.object({ assetId: z.uuid(), catalog: z.string(), namespace: z.array(z.string()), name: z.string() }),
    ),
    commits: z.array(z.object({ catalog: z.string(), commitId: z.uuid() })),
  }),
]);
export const businessMetadataPath = z.object({
  asset_id: z.uuid().meta({ description: 'Asset id (the same on every branch)' }),
});
