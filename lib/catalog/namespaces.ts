import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '@/db/client';
import { assets, namespaces } from '@/db/schema';
import type { Actor } from '../actor';
import { authorize, requireTenant } from '../authz';
import { conflict } from '../errors';
import { defineMutation, registerMutations } from '../mutation';
import { findCatalog, findNamespace } from './lookup';
import { namespacePathInput, properties } from './names';

const catalogRef = z.string().trim().min(1, 'Catalog is required').max(128);

/** Creates the namespace and any missing parents (as Iceberg clients expect). Returns the leaf. */
export async function ensureNamespacePath(
  tx: Tx,
  tenantId: string,
  catalogId: string,
  path: string[],
  props: Record<string, string>,
) {
  let parentId: string | null = null;
  let created = false;
  for (let depth = 1; depth <= path.length; depth++) {
    const prefix = path.slice(0, depth);
    const isLeaf = depth === path.length;
    const [row]: { id: string }[] = await tx
      .insert(namespaces)
      .values({
        tenantId,
        catalogId,
        parentId,
        path: prefix,
        name: prefix[prefix.length - 1],
        properties: isLeaf ? props : {},
      })
      .onConflictDoNothing()
      .returning({ id: namespaces.id });
    if (row) {
      parentId = row.id;
      created = isLeaf || created;
    } else {
      parentId = (await findNamespace(tx, tenantId, catalogId, prefix)).id;
      if (isLeaf) throw conflict(`Namespace "${path.join('.')}" already exists`);
    }
  }
  return { id: parentId!, created };
}

async function authorizeOnNamespace(
  tx: Tx,
  actor: Actor,
  action: 'create' | 'update' | 'delete',
  catalog: string,
  path: string[],
) {
  const tenantId = requireTenant(actor);
  const c = await findCatalog(tx, tenantId, catalog);
  await authorize(
    tx,
    actor,
    action,
    { tenantId, catalogId: c.id, namespacePath: action === 'create' ? path.slice(0, -1) : path },
    'Catalog',
  );
  return c;
}

export const createNamespaceInput = z
  .object({ catalog: catalogRef, namespace: namespacePathInput, properties })
  .strict();

export const createNamespace = defineMutation({
  action: 'namespace.create',
  recordInput: ['catalog', 'namespace', 'properties'],
  resourceType: 'namespace',
  input: createNamespaceInput,
  authorize: async (tx, actor, input) => {
    await authorizeOnNamespace(tx, actor, 'create', input.catalog, input.namespace);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const ns = await ensureNamespacePath(tx, tenantId, c.id, input.namespace, input.properties);
    const name = input.namespace.join('.');
    return {
      data: { id: ns.id, catalogId: c.id, namespace: input.namespace },
      audit: { resourceId: ns.id, resourceName: `${c.name}.${name}`, metadata: { properties: input.properties } },
    };
  },
  revalidate: () => ['/catalogs'],
});

export const updateNamespacePropertiesInput = z
  .object({
    catalog: catalogRef,
    namespace: namespacePathInput,
    updates: properties,
    removals: z.array(z.string().max(256)).max(200).default([]),
  })
  .strict();

/** Iceberg semantics: apply updates, drop removals; reports what changed and which removals were missing. */
export const updateNamespaceProperties = defineMutation({
  action: 'namespace.update',
  recordInput: ['catalog', 'namespace', 'updates', 'removals'],
  resourceType: 'namespace',
  input: updateNamespacePropertiesInput,
  authorize: async (tx, actor, input) => {
    await authorizeOnNamespace(tx, actor, 'update', input.catalog, input.namespace);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const ns = await findNamespace(tx, tenantId, c.id, input.namespace);
    const overlap = input.removals.filter((k) => k in input.updates);
    if (overlap.length) throw conflict(`Properties cannot be both updated and removed: ${overlap.join(', ')}`);
    const next = { ...ns.properties };
    const missing = input.removals.filter((k) => !(k in next));
    for (const k of input.removals) delete next[k];
    Object.assign(next, input.updates);
    await tx
      .update(namespaces)
      .set({ properties: next })
      .where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.id, ns.id)));
    return {
      data: {
        updated: Object.keys(input.updates),
        removed: input.removals.filter((k) => !missing.includes(k)),
        missing,
      },
      audit: {
        resourceId: ns.id,
        resourceName: `${c.name}.${input.namespace.join('.')}`,
        metadata: { updates: input.updates, removals: input.removals },
      },
    };
  },
  revalidate: () => ['/catalogs'],
});

export const deleteNamespaceInput = z.object({ catalog: catalogRef, namespace: namespacePathInput }).strict();

/** Only an empty namespace can be dropped: no child namespaces and no table or view on any branch. */
export const deleteNamespace = defineMutation({
  action: 'namespace.delete',
  recordInput: ['catalog', 'namespace'],
  resourceType: 'namespace',
  input: deleteNamespaceInput,
  authorize: async (tx, actor, input) => {
    await authorizeOnNamespace(tx, actor, 'delete', input.catalog, input.namespace);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const c = await findCatalog(tx, tenantId, input.catalog);
    const ns = await findNamespace(tx, tenantId, c.id, input.namespace);
    const [usage] = (
      await tx.execute<{ children: number; assets: number }>(sql`SELECT
      (SELECT count(*)::int FROM ${namespaces} WHERE ${namespaces.tenantId} = ${tenantId} AND ${namespaces.parentId} = ${ns.id}) AS children,
      (SELECT count(*)::int FROM ${assets} WHERE ${assets.tenantId} = ${tenantId} AND ${assets.namespaceId} = ${ns.id}) AS assets`)
    ).rows;
    if (usage.children || usage.assets) {
      const parts = [
        usage.children ? `${usage.children} child namespace${usage.children === 1 ? '' : 's'}` : '',
        usage.assets
          ? `${usage.assets} table${usage.assets === 1 ? '' : 's'} or view${usage.assets === 1 ? '' : 's'} (across branches)`
          : '',
      ].filter(Boolean);
      throw conflict(`Namespace "${input.namespace.join('.')}" is not empty: it has ${parts.join(' and ')}`);
    }
    await tx.delete(namespaces).where(and(eq(namespaces.tenantId, tenantId), eq(namespaces.id, ns.id)));
    return {
      data: { id: ns.id },
      audit: { resourceId: ns.id, resourceName: `${c.name}.${input.namespace.join('.')}` },
    };
  },
  revalidate: () => ['/catalogs'],
});

registerMutations(createNamespace, updateNamespaceProperties, deleteNamespace);
