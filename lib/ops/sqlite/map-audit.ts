// Old audit entries, appended to each tenant's hash chain (oldest first) marked as imported; and the tables
// that are deliberately not imported.
import type { AuditEntry } from '@/lib/audit-chain';
import type { PlanContext } from './plan';
import type { Row } from './reader';
import { parseJson, snake, text, toDate, uuidOrNull } from './values';

/** "catalog:sales", "catalogs/sales" → type "catalog", name "sales"; anything else is a name of unknown type. */
function splitResource(resource: string | null): { type: string; name: string | null } {
  if (!resource) return { type: 'unknown', name: null };
  const m = /^([A-Za-z_-]+)[:/](.+)$/.exec(resource.trim());
  return m ? { type: snake(m[1]).replace(/s$/, ''), name: m[2] } : { type: 'unknown', name: resource };
}

export function planAudit(ctx: PlanContext, rows: Row[]) {
  const entries: { at: Date; ref: string; entry: AuditEntry }[] = [];
  for (const r of rows) {
    const ref = text(r.id) ?? '(no id)';
    const tenant = ctx.tenantOf('audit_logs', ref, r.tenant_id);
    if (!tenant) continue;
    const at = toDate(r.timestamp);
    if (!at) {
      ctx.skip('audit_logs', ref, `unreadable timestamp ${JSON.stringify(r.timestamp)}`);
      continue;
    }
    const action = text(r.action);
    if (!action) {
      ctx.skip('audit_logs', ref, 'the entry has no action');
      continue;
    }
    // The documented layout (actor, resource, details) and the richer one of later releases are both read.
    const actorName = text(r.username) ?? text(r.actor);
    const actorId =
      ctx.userIds.get(r.user_id) ??
      ctx.userIds.get(r.actor) ??
      (actorName ? ctx.usernames.get(actorName) : undefined) ??
      null;
    const resource =
      r.resource_type !== undefined
        ? { type: snake(String(r.resource_type ?? 'unknown')), name: text(r.resource_name) }
        : splitResource(text(r.resource));
    const details = parseJson(r.details ?? r.metadata);
    const metadata: Record<string, unknown> =
      details.ok && details.value && typeof details.value === 'object' && !Array.isArray(details.value)
        ? { ...(details.value as Record<string, unknown>) }
        : details.ok && details.value !== null
          ? { details: details.value }
          : {};
    if (!details.ok) metadata.details = String(r.details ?? r.metadata);
    metadata.referenceId = ref;
    const result = snake(String(r.result ?? 'success'));
    entries.push({
      at,
      ref,
      entry: {
        tenantId: tenant.id,
        actor: { id: actorId, type: actorId ? 'user' : 'system', name: actorName },
        action,
        resourceType: resource.type,
        resourceId: text(r.resource_id) ?? null,
        resourceName: resource.name,
        result:
          result === 'failure' || result === 'failed'
            ? 'failure'
            : result === 'denied' || result === 'forbidden'
              ? 'denied'
              : 'success',
        errorMessage: text(r.error_message),
        metadata,
        occurredAt: at,
        imported: true,
        request:
          text(r.ip_address) || text(r.user_agent)
            ? { ip: text(r.ip_address), userAgent: text(r.user_agent), requestId: 'sqlite-import' }
            : null,
      },
    });
  }
  entries.sort((a, b) => a.at.getTime() - b.at.getTime() || a.ref.localeCompare(b.ref));
  ctx.audit.push(...entries.map((e) => e.entry));
}

export function planNotImported(ctx: PlanContext, tokens: Row[]) {
  for (const r of tokens) {
    ctx.skip(
      'active_tokens',
      text(r.token_id) ?? uuidOrNull(r.user_id) ?? '(no id)',
      'sessions of the reference are stored as plain-text tokens and are not imported: users sign in again',
    );
  }
}
