import { is, SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import {
  assetIdentities,
  assets,
  branches,
  businessMetadata,
  catalogs,
  namespaces,
  scopeTypes,
  type ScopeType,
} from '@/db/schema';
import type { ScopeRef } from '../authz';
import { notFound } from '../errors';

const optionalUuid = (what: string) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), z.uuid(`${what} must be an id`).optional());

/** A scope as a form or API sends it: the type plus the ids it needs. */
export const scopeInput = z.object({
  scopeType: z.enum(scopeTypes, 'Pick a scope: tenant, catalog, namespace, asset or tag'),
  catalogId: optionalUuid('catalogId'),
  namespaceId: optionalUuid('namespaceId'),
  assetId: optionalUuid('assetId'),
  tag: z.preprocess(
    (v) => (v === '' || v === null ? undefined : v),
    z.string().trim().min(1).max(100, 'A tag is at most 100 characters').optional(),
  ),
});
export type ScopeInput = z.output<typeof scopeInput>;

/** Checks that the fields a scope type needs are present (used in superRefine of inputs that embed a scope). */
export function checkScopeFields(v: ScopeInput, ctx: z.RefinementCtx) {
  const need = (field: keyof ScopeInput, message: string) => {
    if (!v[field]) ctx.addIssue({ code: 'custom', path: [field], message });
  };
  if (v.scopeType === 'catalog') need('catalogId', 'Pick a catalog');
  if (v.scopeType === 'namespace') need('namespaceId', 'Pick a namespace');
  if (v.scopeType === 'asset') need('assetId', 'Pick a table or view');
  if (v.scopeType === 'tag') need('tag', 'Enter a tag');
}

export type ResolvedScope = {
  scopeType: ScopeType;
  catalogId: string | null;
  namespaceId: string | null;
  assetId: string | null;
  tag: string | null;
  /** Human label: "catalog lake", "namespace sales.emea in catalog lake". */
  label: string;
  ref: ScopeRef;
};

/** Where a scope's ids come from: values, or columns of the statement the lookup is folded into. */
type IdSource = string | SQL | null | undefined;

const idOf = (v: IdSource) => (v === null || v === undefined ? sql`NULL::uuid` : is(v, SQL) ? v : sql`${v}::uuid`);

/** A catalog of the tenant as one json value ({ id, name }), or NULL. */
const catalogFacts = (tenantId: string, catalogId: IdSource) =>
  sql`(SELECT json_build_object('id', c.id, 'name', c.name) FROM ${catalogs} c
    WHERE c.tenant_id = ${tenantId} AND c.id = ${idOf(catalogId)})`;

/** A namespace of the tenant with its catalog's name as one json value, or NULL. */
const namespaceFacts = (tenantId: string, namespaceId: IdSource) =>
  sql`(SELECT json_build_object('id', n.id, 'catalogId', n.catalog_id, 'path', n.path, 'catalogName', c.name)
    FROM ${namespaces} n JOIN ${catalogs} c ON c.tenant_id = n.tenant_id AND c.id = n.catalog_id
    WHERE n.tenant_id = ${tenantId} AND n.id = ${idOf(namespaceId)})`;

/**
 * An asset identity of the tenant as one json value (AssetFacts, the head on main or else the oldest branch),
 * or NULL.
 */
const assetFacts = (tenantId: string, assetId: IdSource) =>
  sql`(SELECT json_build_object('id', i.id, 'catalogId', i.catalog_id, 'catalogName', c.name,
      'head', (SELECT json_build_object('name', a.name, 'namespace_id', a.namespace_id, 'path', n.path)
        FROM ${assets} a JOIN ${branches} b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
        JOIN ${namespaces} n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
        WHERE a.tenant_id = i.tenant_id AND a.asset_id = i.id
        ORDER BY (b.name = 'main') DESC, b.created_at LIMIT 1),
      'tags', bm.tags, 'discoverable', bm.discoverable)
    FROM ${assetIdentities} i
    JOIN ${catalogs} c ON c.tenant_id = i.tenant_id AND c.id = i.catalog_id
    LEFT JOIN ${businessMetadata} bm ON bm.tenant_id = i.tenant_id AND bm.asset_id = i.id
    WHERE i.tenant_id = ${tenantId} AND i.id = ${idOf(assetId)})`;

/**
 * The lookup of a scope's objects as one SQL value (json, NULL when absent), to fold into a statement that does
 * more (a grant's checks, an access request's load). `scopeFrom` reads it. With `scopeType` a column, the lookup
 * follows each row's type.
 */
export function scopeLookup(
  tenantId: string,
  scope: { scopeType: ScopeType | SQL; catalogId?: IdSource; namespaceId?: IdSource; assetId?: IdSource },
): SQL {
  const byType: Record<ScopeType, SQL> = {
    tenant: sql`NULL::json`,
    catalog: catalogFacts(tenantId, scope.catalogId),
    namespace: namespaceFacts(tenantId, scope.namespaceId),
    asset: assetFacts(tenantId, scope.assetId),
    tag:
      scope.catalogId === undefined || scope.catalogId === null
        ? sql`NULL::json`
        : catalogFacts(tenantId, scope.catalogId),
  };
  if (!is(scope.scopeType, SQL)) return byType[scope.scopeType];
  return sql`CASE ${scope.scopeType} ${sql.join(
    scopeTypes.map((t) => sql`WHEN ${t} THEN ${byType[t]}`),
    sql` `,
  )} END`;
}

/** A json value as the driver hands it back (parsed by node-postgres; text on some paths). */
const fromJson = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : (v as T);

type AssetJson = {
  id: string;
  catalogId: string;
  catalogName: string;
  head: { name: string; namespace_id: string; path: string[] } | null;
  tags: string[] | null;
  discoverable: boolean | null;
};

const toAssetFacts = (row: AssetJson): AssetFacts => ({
  id: row.id,
  catalogId: row.catalogId,
  catalogName: row.catalogName,
  name: row.head?.name ?? null,
  namespaceId: row.head?.namespace_id ?? null,
  namespacePath: row.head?.path ?? null,
  tags: row.tags ?? [],
  discoverable: row.discoverable ?? false,
});

/**
 * The scope a `scopeLookup` found. An id from another tenant (or none at all) is "not found": a grant can never
 * point outside the tenant it lives in.
 */
export function scopeFrom(input: ScopeInput, found: unknown): ResolvedScope {
  const facts = fromJson<Record<string, unknown>>(found);
  switch (input.scopeType) {
    case 'tenant':
      return {
        scopeType: 'tenant',
        catalogId: null,
        namespaceId: null,
        assetId: null,
        tag: null,
        label: 'the whole tenant',
        ref: { type: 'tenant' },
      };
    case 'catalog': {
      const cat = facts as { id: string; name: string } | null;
      if (!cat) throw notFound('Catalog');
      return {
        scopeType: 'catalog',
        catalogId: cat.id,
        namespaceId: null,
        assetId: null,
        tag: null,
        label: `catalog ${cat.name}`,
        ref: { type: 'catalog', catalogId: cat.id },
      };
    }
    case 'namespace': {
      const ns = facts as { id: string; catalogId: string; path: string[]; catalogName: string } | null;
      if (!ns || (input.catalogId && input.catalogId !== ns.catalogId)) throw notFound('Namespace');
      return {
        scopeType: 'namespace',
        catalogId: ns.catalogId,
        namespaceId: ns.id,
        assetId: null,
        tag: null,
        label: `namespace ${ns.path.join('.')} in catalog ${ns.catalogName}`,
        ref: { type: 'namespace', catalogId: ns.catalogId, namespacePath: ns.path },
      };
    }
    case 'asset': {
      const asset = facts ? toAssetFacts(facts as AssetJson) : null;
      if (!asset || (input.catalogId && input.catalogId !== asset.catalogId)) throw notFound('Table or view');
      return {
        scopeType: 'asset',
        catalogId: asset.catalogId,
        namespaceId: null,
        assetId: asset.id,
        tag: null,
        label: `table ${asset.name ?? asset.id} in catalog ${asset.catalogName}`,
        ref: {
          type: 'asset',
          catalogId: asset.catalogId,
          assetId: asset.id,
          namespacePath: asset.namespacePath ?? undefined,
          tags: asset.tags,
        },
      };
    }
    case 'tag': {
      const cat = facts as { id: string; name: string } | null;
      if (input.catalogId && !cat) throw notFound('Catalog');
      return {
        scopeType: 'tag',
        catalogId: cat?.id ?? null,
        namespaceId: null,
        assetId: null,
        tag: input.tag!,
        label: `assets tagged "${input.tag}"${cat ? ` in catalog ${cat.name}` : ''}`,
        ref: { type: 'tag', tag: input.tag!, catalogId: cat?.id ?? null },
      };
    }
  }
}

/** Looks the scope's objects up inside the tenant (one statement; none for the whole tenant or a bare tag). */
export async function resolveScope(q: Queryable, tenantId: string, input: ScopeInput): Promise<ResolvedScope> {
  if (input.scopeType === 'tenant' || (input.scopeType === 'tag' && !input.catalogId)) return scopeFrom(input, null);
  const res = await q.execute<{ s: unknown }>(sql`SELECT ${scopeLookup(tenantId, input)} AS s`);
  return scopeFrom(input, res.rows[0]?.s);
}

export type AssetFacts = {
  id: string;
  catalogId: string;
  catalogName: string;
  name: string | null;
  namespaceId: string | null;
  namespacePath: string[] | null;
  tags: string[];
  discoverable: boolean;
};

/** An asset identity with its main-branch name and namespace, tags and discoverability (null when not in the tenant). */
export async function assetIn(q: Queryable, tenantId: string, assetId: string): Promise<AssetFacts | null> {
  const res = await q.execute<{ a: unknown }>(sql`SELECT ${assetFacts(tenantId, assetId)} AS a`);
  const row = fromJson<AssetJson>(res.rows[0]?.a);
  return row ? toAssetFacts(row) : null;
}
