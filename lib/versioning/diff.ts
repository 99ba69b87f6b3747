import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { candidateVersionsCte, chainCte, changedBetweenCte, stateFromCte, stateJson, type VersionState } from './sql';

export type DiffRow = {
  assetId: string;
  change: 'added' | 'removed' | 'changed';
  namespace: string;
  name: string;
  before: VersionState;
  after: VersionState;
  /** For changed rows: which parts differ. */
  fields: ('location' | 'schema' | 'properties' | 'name' | 'type')[];
};

export type DiffPage = {
  rows: DiffRow[];
  total: number;
  added: number;
  removed: number;
  changed: number;
  nextCursor: { name: string; assetId: string } | null;
};

export function changedFields(before: VersionState, after: VersionState): DiffRow['fields'] {
  if (!before || !after) return [];
  const out: DiffRow['fields'] = [];
  if (before.metadataLocation !== after.metadataLocation) out.push('location');
  if (before.schemaId !== after.schemaId) out.push('schema');
  if (JSON.stringify(sortKeys(before.properties)) !== JSON.stringify(sortKeys(after.properties)))
    out.push('properties');
  if (before.name !== after.name || before.namespaceId !== after.namespaceId) out.push('name');
  if (before.assetType !== after.assetType) out.push('type');
  return out;
}

const sortKeys = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/**
 * What changed from commit `from` to commit `to`: each asset added, removed or changed, with its state on both
 * sides. Set-based over the versions the two first-parent chains do not share; pages by (name, asset id).
 */
export async function diffCommits(
  q: Queryable,
  tenantId: string,
  from: string,
  to: string,
  opts: {
    limit?: number;
    after?: { name: string; assetId: string } | null;
    change?: DiffRow['change'];
  } = {},
): Promise<DiffPage> {
  const limit = opts.limit ?? 100;
  const after = opts.after ? sql`AND (x.name, x.asset_id) > (${opts.after.name}, ${opts.after.assetId}::uuid)` : sql``;
  const only = opts.change ? sql`AND x.change = ${opts.change}` : sql``;
  const res = await q.execute<{
    asset_id: string;
    change: DiffRow['change'];
    name: string;
    namespace: string | null;
    before: VersionState;
    after: VersionState;
    total: number;
    added: number;
    removed: number;
    changed: number;
  }>(sql`
    WITH RECURSIVE ${chainCte('ch_a', tenantId, from)}, ${chainCte('ch_b', tenantId, to)},
    ${changedBetweenCte('cand', [['ch_a', 'ch_b']], tenantId)},
    ${candidateVersionsCte('vers', tenantId, 'cand')}, ${stateFromCte('st_a', 'ch_a', 'vers')}, ${stateFromCte('st_b', 'ch_b', 'vers')},
    x AS (
      SELECT c.asset_id, a.st AS before, b.st AS after,
        CASE WHEN a.st IS NULL THEN 'added' WHEN b.st IS NULL THEN 'removed' ELSE 'changed' END AS change,
        COALESCE(b.st->>'name', a.st->>'name') AS name,
        (SELECT array_to_string(n.path, '.') FROM namespaces n WHERE n.tenant_id = ${tenantId}
           AND n.id = (COALESCE(b.st, a.st)->>'namespaceId')::uuid) AS namespace
      FROM cand c LEFT JOIN st_a a ON a.asset_id = c.asset_id LEFT JOIN st_b b ON b.asset_id = c.asset_id
      WHERE a.st IS DISTINCT FROM b.st),
    tot AS (SELECT count(*)::int AS total, count(*) FILTER (WHERE change = 'added')::int AS added,
      count(*) FILTER (WHERE change = 'removed')::int AS removed, count(*) FILTER (WHERE change = 'changed')::int AS changed FROM x)
    SELECT x.*, tot.* FROM tot LEFT JOIN LATERAL (
      SELECT * FROM x WHERE true ${only} ${after} ORDER BY x.name, x.asset_id LIMIT ${limit + 1}) x ON true`);
  const first = res.rows[0];
  const rows = res.rows
    .filter((r) => r.asset_id)
    .map((r) => ({
      assetId: r.asset_id,
      change: r.change,
      namespace: r.namespace ?? '',
      name: r.name,
      before: r.before,
      after: r.after,
      fields: changedFields(r.before, r.after),
    }));
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    rows: page,
    total: Number(first?.total ?? 0),
    added: Number(first?.added ?? 0),
    removed: Number(first?.removed ?? 0),
    changed: Number(first?.changed ?? 0),
    nextCursor: more ? { name: page[page.length - 1].name, assetId: page[page.length - 1].assetId } : null,
  };
}

/** The catalog as it was at a commit: one page of its assets by (name, asset id), with the total. */
export async function assetsAtCommit(
  q: Queryable,
  tenantId: string,
  commitId: string,
  opts: {
    limit?: number;
    after?: { name: string; assetId: string } | null;
    name?: string;
    /** Only this table or view. */
    assetId?: string;
  } = {},
) {
  const limit = opts.limit ?? 100;
  const after = opts.after ? sql`AND (s.name, s.asset_id) > (${opts.after.name}, ${opts.after.assetId}::uuid)` : sql``;
  const filter = sql`${opts.name ? sql`AND s.name ILIKE ${`%${opts.name.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``} ${
    opts.assetId ? sql`AND s.asset_id = ${opts.assetId}::uuid` : sql``
  }`;
  const res = await q.execute<{
    asset_id: string;
    st: NonNullable<VersionState>;
    namespace: string;
    commit_id: string;
    total: number;
  }>(sql`
    WITH RECURSIVE ${chainCte('ch', tenantId, commitId)},
    st AS (SELECT DISTINCT ON (v.asset_id) v.* FROM asset_versions v JOIN ch ON v.commit_id = ch.id WHERE v.tenant_id = ${tenantId}
           ORDER BY v.asset_id, ch.depth DESC),
    s AS (SELECT * FROM st WHERE NOT dropped),
    tot AS (SELECT count(*)::int AS total FROM s WHERE true ${filter})
    SELECT p.asset_id, ${stateJson('p')} AS st, p.commit_id, tot.total,
      (SELECT array_to_string(n.path, '.') FROM namespaces n WHERE n.tenant_id = ${tenantId} AND n.id = p.namespace_id) AS namespace
    FROM tot LEFT JOIN LATERAL (SELECT * FROM s WHERE true ${filter} ${after} ORDER BY s.name, s.asset_id LIMIT ${limit + 1}) p ON true`);
  const total = Number(res.rows[0]?.total ?? 0);
  const rows = res.rows
    .filter((r) => r.asset_id)
    .map((r) => ({ ...r.st, namespace: r.namespace, lastCommitId: r.commit_id }));
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    rows: page,
    total,
    nextCursor: more ? { name: page[page.length - 1].name, assetId: page[page.length - 1].assetId } : null,
  };
}
