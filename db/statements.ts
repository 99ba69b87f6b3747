import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { appMetrics } from '@/lib/metrics';

/**
 * What every pooled connection's statements go through:
 * - counted (`pangolin_db_statements_total{server}` on /metrics): each is a round trip, most of a request's
 *   database cost;
 * - with `prepare` (a pool straight to PostgreSQL, `DATABASE_PREPARED_STATEMENTS` not false), a statement text
 *   seen before is sent as a named prepared statement, so each connection parses and plans it once instead of at
 *   every call. Names are a hash of the text (two texts never share one); at most `MAX_NAMED` texts are named per
 *   process, so a connection holds a bounded set; transaction control and texts used once stay unnamed.
 *   PgBouncer before 1.21 in transaction mode cannot carry prepared statements: set DATABASE_PREPARED_STATEMENTS=false.
 */
export function instrumentClient(client: PoolClient, opts: { server: 'primary' | 'replica'; prepare: boolean }) {
  const counter = appMetrics().dbStatements.labels({ server: opts.server });
  // The class's method, looked up at each call (not bound once), so whatever wraps the class later still runs.
  const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    counter.inc();
    if (opts.prepare) args[0] = named(args[0]);
    return proto.query.apply(client, args);
  };
}

const MAX_NAMED = 1000;
const MAX_SEEN = 5000;
/** Texts seen once (not named yet), and the name of each text seen twice or more. */
const seen = new Set<string>();
const names = new Map<string, string>();
const CONTROL = /^\s*(begin|commit|rollback|savepoint|release|start|end|set|reset|listen|unlisten|notify)\b/i;

function named(config: unknown): unknown {
  if (!config || typeof config !== 'object') return config;
  const c = config as { text?: unknown; name?: unknown; submit?: unknown };
  if (typeof c.text !== 'string' || c.name || typeof c.submit === 'function') return config;
  let name = names.get(c.text);
  if (!name) {
    if (names.size >= MAX_NAMED || CONTROL.test(c.text)) return config;
    if (!seen.has(c.text)) {
      if (seen.size >= MAX_SEEN) seen.clear();
      seen.add(c.text);
      return config;
    }
    seen.delete(c.text);
    name = `pgl_${createHash('sha1').update(c.text).digest('base64url')}`;
    names.set(c.text, name);
  }
  return { ...c, name };
}
