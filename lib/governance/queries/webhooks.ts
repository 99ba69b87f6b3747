import 'server-only';
import { and, count, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { deliveries, webhooks, type DeliveryState } from '@/db/schema';
import type { Actor } from '@/lib/actor';
import { qualify, requireTenantAdmin } from '@/lib/authz';
import { encodeCursor, keyset, likeEscape, pickSort, toPage, type Page } from '../../../db/keyset';

export type WebhookRow = {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: Date;
  /** Deliveries to it that failed and wait for a retry. */
  failed: number;
};

const webhookSort = { createdAt: webhooks.createdAt, url: webhooks.url } as const;
export type WebhookSort = keyof typeof webhookSort;

/** A tenant's webhook subscriptions (TenantAdmins): never the secret. */
export async function listWebhooks(
  actor: Actor,
  opts: { q?: string; event?: string; sort?: WebhookSort; desc?: boolean; cursor?: string | null; limit?: number },
): Promise<Page<WebhookRow>> {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const sort = pickSort(webhookSort, opts.sort, 'createdAt');
  const filters: (SQL | undefined)[] = [eq(webhooks.tenantId, tenantId)];
  if (opts.q) filters.push(ilike(webhooks.url, `%${likeEscape(opts.q)}%`));
  if (opts.event) filters.push(sql`${opts.event} = ANY(${webhooks.events})`);
  const where = and(...filters);
  const page = keyset({
    sortColumn: webhookSort[sort],
    idColumn: webhooks.id,
    desc: !!opts.desc,
    cursor: opts.cursor,
    castValue: sort === 'createdAt' ? (v) => new Date(String(v)) : undefined,
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: webhooks.id,
        url: webhooks.url,
        events: webhooks.events,
        description: webhooks.description,
        createdAt: webhooks.createdAt,
        failed: sql<number>`(SELECT count(*)::int FROM ${deliveries} d WHERE d.tenant_id = ${qualify(webhooks.tenantId)} AND d.webhook_id = ${qualify(webhooks.id)} AND d.state = 'failed')`,
      })
      .from(webhooks)
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(webhooks).where(where),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(sort === 'createdAt' ? r.createdAt : r.url, r.id));
}

export type DeliveryRow = {
  id: string;
  kind: 'mail' | 'webhook';
  event: string;
  recipient: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
};

/**
 * The tenant's outbox (TenantAdmins), newest first by default, filtered by state, kind and event: what was sent,
 * what waits for a retry and what failed with which error. Never a mail's body or a link.
 */
export async function listDeliveries(
  actor: Actor,
  opts: {
    state?: string;
    kind?: string;
    event?: string;
    desc?: boolean;
    cursor?: string | null;
    limit?: number;
  },
): Promise<Page<DeliveryRow>> {
  const tenantId = requireTenantAdmin(actor);
  const db = await getDb();
  const limit = opts.limit ?? 50;
  const filters: (SQL | undefined)[] = [eq(deliveries.tenantId, tenantId)];
  if (opts.state === 'pending' || opts.state === 'delivered' || opts.state === 'failed')
    filters.push(eq(deliveries.state, opts.state));
  if (opts.kind === 'mail' || opts.kind === 'webhook') filters.push(eq(deliveries.kind, opts.kind));
  if (opts.event) filters.push(eq(deliveries.event, opts.event));
  const where = and(...filters);
  const page = keyset({
    sortColumn: deliveries.createdAt,
    idColumn: deliveries.id,
    desc: opts.desc ?? true,
    cursor: opts.cursor,
    castValue: (v) => new Date(String(v)),
  });
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        id: deliveries.id,
        kind: deliveries.kind,
        event: deliveries.event,
        recipient: deliveries.recipient,
        state: deliveries.state,
        attempts: deliveries.attempts,
        lastError: deliveries.lastError,
        createdAt: deliveries.createdAt,
        deliveredAt: deliveries.deliveredAt,
      })
      .from(deliveries)
      .where(and(where, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1),
    db.select({ total: count() }).from(deliveries).where(where),
  ]);
  return toPage(rows, limit, total, (r) => encodeCursor(r.createdAt, r.id));
}
