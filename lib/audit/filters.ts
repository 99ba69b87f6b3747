import { z } from 'zod';
import { auditResults } from '@/db/schema';

/** Events outside any tenant (failed sign-ins, Root's own actions): the `tenant` filter value that selects them. */
export const NO_TENANT = 'none';

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

/**
 * A point in time: ISO 8601 with or without zone, or what a datetime-local input sends ("2026-01-31T12:00"),
 * read as UTC when no zone is given (the console shows every time in UTC).
 */
const instant = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(v) ? v : `${v.replace(' ', 'T')}Z`;
    const d = new Date(/^\d{4}-\d{2}-\d{2}Z$/.test(withZone) ? withZone.replace('Z', 'T00:00:00Z') : withZone);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: `"${v}" is not a date and time (use e.g. 2026-01-31T12:00)` });
      return z.NEVER;
    }
    return d;
  });

/** Every filter of the audit search, shared by the page, the API and the exports. */
export const auditFilterSchema = z
  .object({
    /** A user or service user: id, or name. */
    actor: text(200),
    /** Exact action ("catalog.create"), or a prefix ending in "*" ("catalog.*"). */
    action: text(200),
    resourceType: text(100),
    /** Resource id or exact resource name. */
    resource: text(500),
    result: z
      .enum(auditResults)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /** Root only: a tenant id, or "none" for events outside any tenant. */
    tenant: z
      .union([z.uuid({ message: 'Tenant must be a tenant id' }), z.literal(NO_TENANT)])
      .optional()
      .or(z.literal('').transform(() => undefined)),
    from: instant,
    to: instant,
    /** Free text over resource names, error messages, actions and metadata. */
    q: text(200),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: '"From" must not be after "To"', path: ['to'] });

export type AuditFilters = z.output<typeof auditFilterSchema>;

/** Reference API names (user_id, resource_id, start_time, …) mapped onto the console's filter names. */
const API_ALIASES: Record<string, keyof AuditFilters> = {
  user_id: 'actor',
  actor_id: 'actor',
  resource_id: 'resource',
  resource_type: 'resourceType',
  start_time: 'from',
  end_time: 'to',
  tenant_id: 'tenant',
  search: 'q',
};

/** Filters from URL query parameters (page or API); unknown parameters are ignored. */
export function filtersFromParams(
  params: URLSearchParams | Record<string, string | string[] | undefined>,
): AuditFilters {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? (params.get(k) ?? undefined) : params[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(auditFilterSchema.shape)) raw[key] = get(key);
  for (const [alias, key] of Object.entries(API_ALIASES)) raw[key] ??= get(alias);
  return auditFilterSchema.parse(raw);
}

/** The filters as URL parameters again (for export links and the detail drawer's "close"). */
export function filtersToParams(f: AuditFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    p.set(k, v instanceof Date ? v.toISOString() : String(v));
  }
  return p;
}
