import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { catalogs, tenants, warehouses } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { requireRoot, requireTenant } from '@/lib/authz';
import { objectName } from '../names';

const label = { tenant: 'Tenant', warehouse: 'Warehouse', catalog: 'Catalog' } as const;

/**
 * Whether names would be accepted before creating anything (POST /api/v1/validate/names): each is checked against
 * the naming rule and against what exists — in the caller's tenant for warehouses and catalogs, anywhere for tenants
 * (Root only, as creating a tenant is).
 */
export async function validateNames(actor: Actor, resourceType: keyof typeof label, names: string[]) {
  const db = await getDb();
  const rule = objectName(label[resourceType]);
  const checked = names.map((name) => {
    const parsed = rule.safeParse(name);
    return { name, normal: parsed.success ? parsed.data : null, message: parsed.error?.issues[0]?.message ?? null };
  });
  const valid = [...new Set(checked.flatMap((c) => (c.normal ? [c.normal] : [])))];
  let taken: string[] = [];
  if (resourceType === 'tenant') requireRoot(actor);
  const tenantId = resourceType === 'tenant' ? null : requireTenant(actor);
  if (valid.length) {
    if (resourceType === 'tenant')
      taken = (await db.select({ n: tenants.name }).from(tenants).where(inArray(tenants.name, valid))).map((r) => r.n);
    else {
      const table = resourceType === 'catalog' ? catalogs : warehouses;
      taken = (
        await db
          .select({ n: table.name })
          .from(table)
          .where(and(eq(table.tenantId, tenantId!), inArray(table.name, valid)))
      ).map((r) => r.n);
    }
  }
  return {
    resourceType,
    results: checked.map((c) => {
      const isTaken = !!c.normal && taken.includes(c.normal);
      return {
        name: c.name,
        valid: !!c.normal,
        available: !!c.normal && !isTaken,
        message: c.message ?? (isTaken ? `A ${resourceType} named "${c.normal}" already exists` : null),
      };
    }),
  };
}
