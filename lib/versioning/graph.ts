import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { ancestorsCte, uuidArrayParam } from './sql';

export type MergeBase = {
  commitId: string;
  /** How many best common ancestors there were (more than one: a criss-cross history). */
  candidates: number;
};

/**
 * The merge base of two commits: a best common ancestor over both parents, i.e. a common ancestor that is
 * not an ancestor of another common ancestor. Criss-cross histories have several; the choice is
 * deterministic and symmetric: the greatest depth, then the newest, then the greatest id.
 * (A common ancestor that is an ancestor of another one has a child among the common ancestors, so "best"
 * needs no second walk.)
 */
export async function mergeBase(q: Queryable, tenantId: string, a: string, b: string): Promise<MergeBase | null> {
  const res = await q.execute<{ id: string; candidates: number }>(sql`
    WITH RECURSIVE ${ancestorsCte('anc_a', tenantId, a)}, ${ancestorsCte('anc_b', tenantId, b)},
    common AS (SELECT id FROM anc_a INTERSECT SELECT id FROM anc_b),
    best AS (
      SELECT c.id, c.depth, c.created_at FROM common JOIN commits c ON c.tenant_id = ${tenantId} AND c.id = common.id
      WHERE NOT EXISTS (
        SELECT 1 FROM common k JOIN commits kc ON kc.tenant_id = ${tenantId} AND kc.id = k.id
        WHERE kc.parent_id = c.id OR kc.merge_parent_id = c.id))
    SELECT id, (SELECT count(*)::int FROM best) AS candidates FROM best
    ORDER BY depth DESC, created_at DESC, id DESC LIMIT 1`);
  const row = res.rows[0];
  return row ? { commitId: row.id, candidates: Number(row.candidates) } : null;
}

/**
 * Ahead/behind of each head against a reference head, in one query: ahead = commits reachable from the head
 * and not from the reference; behind = the reverse (git's counts since the merge base).
 */
export async function aheadBehind(
  q: Queryable,
  tenantId: string,
  referenceHead: string,
  heads: string[],
): Promise<Map<string, { ahead: number; behind: number }>> {
  const unique = [...new Set(heads)];
  if (!unique.length) return new Map();
  const res = await q.execute<{ head: string; ahead: number; behind: number }>(sql`
    WITH RECURSIVE ${ancestorsCte('ref_anc', tenantId, referenceHead)},
    anc(head, id) AS (
      SELECT h, h FROM unnest(${uuidArrayParam(unique)}) AS h
      UNION
      SELECT a.head, p.x FROM anc a JOIN commits c ON c.tenant_id = ${tenantId} AND c.id = a.id
        CROSS JOIN LATERAL (VALUES (c.parent_id), (c.merge_parent_id)) p(x) WHERE p.x IS NOT NULL)
    SELECT h.head,
      (SELECT count(*)::int FROM anc a WHERE a.head = h.head AND NOT EXISTS (SELECT 1 FROM ref_anc r WHERE r.id = a.id)) AS ahead,
      (SELECT count(*)::int FROM ref_anc r WHERE NOT EXISTS (SELECT 1 FROM anc a WHERE a.head = h.head AND a.id = r.id)) AS behind
    FROM unnest(${uuidArrayParam(unique)}) AS h(head)`);
  return new Map(res.rows.map((r) => [r.head, { ahead: Number(r.ahead), behind: Number(r.behind) }]));
}
