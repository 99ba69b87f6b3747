import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '@/db/client';
import { assetIdentities, businessMetadata, catalogs, namespaces, scopeTypes, type ScopeType } from '@/db/schema';
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

/**
 * Looks the scope's objects up inside the tenant. An id from another tenant (or none at all) is "not found":
 * a grant can never point outside the tenant it lives in.
 */
export async function resolveScope(q: Queryable, tenantId: string, input: ScopeInput): Promise<ResolvedScope> {
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
      const cat = await catalogIn(q, tenantId, input.catalogId!);
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
      const [ns] = await q
        .select({
          id: namespaces.id,
          catalogId: namespaces.catalogId,
          path: namespaces.path,
          catalogName: catalogs.name,
        })
        .from(namespaces)
        .innerJoin(catalogs, and(eq(catalogs.tenantId, namespaces.tenantId), eq(catalogs.id, namespaces.catalogId)))
        .where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.id, input.namespaceId!)))
        .limit(1);
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
      const asset = await assetIn(q, tenantId, input.assetId!);
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
      const cat = input.catalogId ? await catalogIn(q, tenantId, input.catalogId) : null;
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

async function catalogIn(q: Queryable, tenantId: string, catalogId: string) {
  const [cat] = await q
    .select({ id: catalogs.id, name: catalogs.name })
    .from(catalogs)
    .where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, catalogId)))
    .limit(1);
  if (!cat) throw notFound('Catalog');
  return cat;
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
  const [row] = await q
    .select({
      id: assetIdentities.id,
      catalogId: assetIdentities.catalogId,
      catalogName: catalogs.name,
      head: sql<{
        name: string;
        namespace_id: string;
        path: string[];
      } | null>`(SELECT json_build_object('name', a.name, 'namespace_id', a.namespace_id, 'path', n.path)
      FROM assets a JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id
      JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
      WHERE a.tenant_id = ${assetIdentities.tenantId} AND a.asset_id = ${assetIdentities.id}
      ORDER BY (b.name = 'main') DESC, b.created_at LIMIT 1)`,
      tags: businessMetadata.tags,
      discoverable: businessMetadata.discoverable,
    })
    .from(assetIdentities)
    .innerJoin(
      catalogs,
      and(eq(catalogs.tenantId, assetIdentities.tenantId), eq(catalogs.id, assetIdentities.catalogId)),
    )
    .leftJoin(
      businessMetadata,
      and(eq(businessMetadata.tenantId, assetIdentities.tenantId), eq(businessMetadata.assetId, assetIdentities.id)),
    )
    .where(and(eq(assetIdentities.tenantId, tenantId), eq(assetIdentities.id, assetId)))
    .limit(1);
  if (!row) return null;
  const head = typeof row.head === 'string' ? JSON.parse(row.head) : row.head;
  return {
    id: row.id,
    catalogId: row.catalogId,
    catalogName: row.catalogName,
    name: head?.name ?? null,
    namespaceId: head?.namespace_id ?? null,
    namespacePath: head?.path ?? null,
    tags: row.tags ?? [],
    discoverable: row.discoverable ?? false,
  };
}
