import 'server-only';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { namespaces } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { can, requireTenant, visibilityFilter } from '@/lib/authz';
import { toPgArray } from '@/lib/catalog/lookup';
import { forbidden, notFound } from '@/lib/errors';

export type NamespaceNode = { id: string; name: string; path: string[]; hasChildren: boolean };

/** Namespaces are shown to those who may list them, or who hold something below them (to navigate there). */
async function visibleNamespaces(actor: Actor) {
  const db = await getDb();
  // Qualified by hand: the filter nests these inside subqueries, where a bare column name would bind inward.
  return visibilityFilter(
    db,
    actor,
    'list',
    {
      tenantId: sql.raw('"namespaces"."tenant_id"'),
      catalogId: sql.raw('"namespaces"."catalog_id"'),
      namespaceId: sql.raw('"namespaces"."id"'),
      namespacePath: sql.raw('"namespaces"."path"'),
    },
    { level: 'namespace', includeAncestors: true },
  );
}

const hasChildrenSql = sql<boolean>`EXISTS (SELECT 1 FROM namespaces c WHERE c.tenant_id = "namespaces"."tenant_id" AND c.catalog_id = "namespaces"."catalog_id" AND c.parent_id = "namespaces"."id")`;

/**
 * One level of the tree: the children of `parentId` (null = top level), in name order, at most `limit`
 * after `after` (a name). Uses idx_namespaces_tenant_catalog_parent.
 */
export async function namespaceChildren(
  actor: Actor,
  catalogId: string,
  parentId: string | null,
  opts: { limit?: number; after?: string } = {},
) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const limit = opts.limit ?? 200;
  const rows = await db
    .select({ id: namespaces.id, name: namespaces.name, path: namespaces.path, hasChildren: hasChildrenSql })
    .from(namespaces)
    .where(
      and(
        eq(namespaces.tenantId, tenantId),
        eq(namespaces.catalogId, catalogId),
        parentId ? eq(namespaces.parentId, parentId) : isNull(namespaces.parentId),
        opts.after ? gt(namespaces.name, opts.after) : undefined,
        await visibleNamespaces(actor),
      ),
    )
    .orderBy(asc(namespaces.name))
    .limit(limit + 1);
  return { nodes: rows.slice(0, limit) as NamespaceNode[], more: rows.length > limit };
}

export type TreeLevel = { parentPath: string[]; nodes: NamespaceNode[]; more: boolean };

/** The levels the browser shows for a selected namespace: the top level and the children of each ancestor. */
export async function namespaceTreeFor(
  actor: Actor,
  catalogId: string,
  selected: string[] | null,
): Promise<TreeLevel[]> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const prefixes = selected ? selected.map((_, i) => selected.slice(0, i + 1)) : [];
  const ids = prefixes.length
    ? await db
        .select({ id: namespaces.id, path: namespaces.path })
        .from(namespaces)
        .where(
          and(
            eq(namespaces.tenantId, tenantId),
            eq(namespaces.catalogId, catalogId),
            sql`${namespaces.path} IN (${sql.join(
              prefixes.map((p) => sql`${toPgArray(p)}::text[]`),
              sql`, `,
            )})`,
          ),
        )
    : [];
  const idOf = new Map(ids.map((r) => [r.path.join('\u001f'), r.id]));
  const levels: TreeLevel[] = [{ parentPath: [], ...(await namespaceChildren(actor, catalogId, null)) }];
  for (const p of prefixes) {
    const id = idOf.get(p.join('\u001f'));
    if (!id) break;
    levels.push({ parentPath: p, ...(await namespaceChildren(actor, catalogId, id)) });
  }
  return levels;
}

export type NamespaceTree = { name: string; path: string[]; children: NamespaceTree[] };

/** The whole tree of a catalog for the API (capped; `truncated` says so). One ordered index scan. */
export async function namespaceTree(
  actor: Actor,
  catalogId: string,
  cap = 10_000,
): Promise<{ tree: NamespaceTree[]; count: number; truncated: boolean }> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const rows = await db
    .select({ path: namespaces.path })
    .from(namespaces)
    .where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.catalogId, catalogId), await visibleNamespaces(actor)))
    .orderBy(asc(namespaces.path))
    .limit(cap + 1);
  const truncated = rows.length > cap;
  const tree: NamespaceTree[] = [];
  const byKey = new Map<string, NamespaceTree>();
  for (const { path } of rows.slice(0, cap)) {
    const node: NamespaceTree = { name: path[path.length - 1], path, children: [] };
    byKey.set(path.join('\u001f'), node);
    const parent = byKey.get(path.slice(0, -1).join('\u001f'));
    (path.length > 1 && parent ? parent.children : tree).push(node);
  }
  return { tree, count: Math.min(rows.length, cap), truncated };
}

export type NamespaceDetail = {
  id: string;
  path: string[];
  properties: Record<string, string>;
  childCount: number;
  /** Tables and views on any branch (a namespace can be dropped only when this and childCount are 0). */
  assetCount: number;
  createdAt: Date;
  updatedAt: Date;
  may: { update: boolean; delete: boolean; create: boolean };
};

export async function getNamespace(actor: Actor, catalogId: string, path: string[]): Promise<NamespaceDetail> {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  const [n] = await db
    .select({
      id: namespaces.id,
      path: namespaces.path,
      properties: namespaces.properties,
      createdAt: namespaces.createdAt,
      updatedAt: namespaces.updatedAt,
      visible: sql<boolean>`${await visibleNamespaces(actor)}`,
      childCount: sql<number>`(SELECT count(*)::int FROM namespaces c WHERE c.tenant_id = "namespaces"."tenant_id" AND c.catalog_id = "namespaces"."catalog_id" AND c.parent_id = "namespaces"."id")`,
      assetCount: sql<number>`(SELECT count(*)::int FROM (SELECT 1 FROM assets a WHERE a.tenant_id = "namespaces"."tenant_id" AND a.namespace_id = "namespaces"."id" LIMIT 10001) s)`,
    })
    .from(namespaces)
    .where(
      and(
        eq(namespaces.tenantId, tenantId),
        eq(namespaces.catalogId, catalogId),
        sql`${namespaces.path} = ${toPgArray(path)}::text[]`,
      ),
    )
    .limit(1);
  if (!n) throw notFound(`Namespace "${path.join('.')}"`);
  if (!n.visible) throw forbidden(`You have no access to namespace "${path.join('.')}"`);
  const obj = { tenantId, catalogId, namespacePath: path };
  const [update, del, create] = await Promise.all([
    can(db, actor, 'update', obj),
    can(db, actor, 'delete', obj),
    can(db, actor, 'create', obj),
  ]);
  const { visible: _visible, ...rest } = n;
  return { ...rest, may: { update, delete: del, create } };
}

/** Iceberg-style listing: the direct children of a namespace (or the top level), as paths. */
export async function listNamespacePaths(
  actor: Actor,
  catalogId: string,
  parent: string[] | null,
  opts: { limit?: number; after?: string } = {},
) {
  const tenantId = requireTenant(actor);
  const db = await getDb();
  let parentId: string | null = null;
  if (parent) {
    const [p] = await db
      .select({ id: namespaces.id })
      .from(namespaces)
      .where(
        and(
          eq(namespaces.tenantId, tenantId),
          eq(namespaces.catalogId, catalogId),
          sql`${namespaces.path} = ${toPgArray(parent)}::text[]`,
        ),
      )
      .limit(1);
    if (!p) throw notFound(`Namespace "${parent.join('.')}"`);
    parentId = p.id;
  }
  return namespaceChildren(actor, catalogId, parentId, opts);
}
