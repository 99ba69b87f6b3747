import { sql, type SQL } from 'drizzle-orm';
import type { Properties } from '@/db/schema';

/**
 * SQL building blocks of the versioning model. The state of a catalog at commit C is, per asset, the newest
 * asset_versions row along C's first-parent chain (merge commits record everything they bring relative to
 * their first parent); a dropped row means the asset is absent. Everything below is set-based.
 */

/** An asset's full state as stored in merge conflicts and compared in diffs (null = absent). */
export type VersionState = {
  assetId: string;
  namespaceId: string;
  name: string;
  assetType: 'table' | 'view';
  metadataLocation: string | null;
  schemaId: number | null;
  properties: Properties;
} | null;

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad SQL identifier ${name}`);
  return sql.raw(name);
};

/** jsonb of a version row aliased `alias` (NULL when it is a drop): equal states compare equal as jsonb. */
export const stateJson = (alias: string): SQL => {
  const a = ident(alias);
  return sql`CASE WHEN ${a}.dropped THEN NULL ELSE jsonb_build_object(
    'assetId', ${a}.asset_id, 'namespaceId', ${a}.namespace_id, 'name', ${a}.name, 'assetType', ${a}.asset_type,
    'metadataLocation', ${a}.metadata_location, 'schemaId', ${a}.schema_id, 'properties', ${a}.properties) END`;
};

/** The same jsonb for a row of the materialised `assets` table. */
export const assetRowJson = (alias: string): SQL => {
  const a = ident(alias);
  return sql`jsonb_build_object(
    'assetId', ${a}.asset_id, 'namespaceId', ${a}.namespace_id, 'name', ${a}.name, 'assetType', ${a}.asset_type,
    'metadataLocation', ${a}.metadata_location, 'schemaId', ${a}.schema_id, 'properties', ${a}.properties)`;
};

/** CTE `name(id, parent_id, depth)`: the first-parent chain from a commit back to the root (use under WITH RECURSIVE). */
export const chainCte = (name: string, tenantId: string, commitId: string): SQL => {
  const n = ident(name);
  return sql`${n}(id, parent_id, depth) AS (
    SELECT c.id, c.parent_id, c.depth FROM commits c WHERE c.tenant_id = ${tenantId} AND c.id = ${commitId}
    UNION ALL
    SELECT p.id, p.parent_id, p.depth FROM commits p JOIN ${n} ch ON p.tenant_id = ${tenantId} AND p.id = ch.parent_id)`;
};

/** CTE `name(id)`: every ancestor of a commit over both parents, itself included (use under WITH RECURSIVE). */
export const ancestorsCte = (name: string, tenantId: string, commitId: string): SQL => {
  const n = ident(name);
  return sql`${n}(id) AS (
    SELECT ${commitId}::uuid
    UNION
    SELECT p.x FROM ${n} a JOIN commits c ON c.tenant_id = ${tenantId} AND c.id = a.id
      CROSS JOIN LATERAL (VALUES (c.parent_id), (c.merge_parent_id)) p(x) WHERE p.x IS NOT NULL)`;
};

/** CTE `name`: every version row of the assets in CTE `candidates` (read once, shared by several states). */
export const candidateVersionsCte = (
  name: string,
  tenantId: string,
  candidates: string,
): SQL => sql`${ident(name)} AS MATERIALIZED (
    SELECT v.asset_id, v.commit_id, v.dropped, v.namespace_id, v.name, v.asset_type, v.metadata_location, v.schema_id, v.properties
    FROM asset_versions v WHERE v.tenant_id = ${tenantId} AND v.asset_id IN (SELECT asset_id FROM ${ident(candidates)}))`;

/** CTE `name(asset_id, st)`: like a chain's state CTE, over the rows of a candidateVersionsCte. */
export const stateFromCte = (
  name: string,
  chain: string,
  versions: string,
): SQL => sql`${ident(name)}(asset_id, st) AS (
    SELECT w.asset_id, ${stateJson('w')} FROM (
      SELECT DISTINCT ON (v.asset_id) v.* FROM ${ident(versions)} v JOIN ${ident(chain)} ch ON v.commit_id = ch.id
      ORDER BY v.asset_id, ch.depth DESC) w)`;

/**
 * CTE `name(asset_id)`: the assets whose state can differ between the heads of two chains: only assets with a
 * version in a commit on one chain but not the other (first-parent chains share their tail once they meet).
 */
export const changedBetweenCte = (name: string, pairs: [string, string][], tenantId: string): SQL => {
  const parts = pairs.flatMap(([a, b]) => [
    sql`(SELECT id FROM ${ident(a)} EXCEPT SELECT id FROM ${ident(b)})`,
    sql`(SELECT id FROM ${ident(b)} EXCEPT SELECT id FROM ${ident(a)})`,
  ]);
  return sql`${ident(name)}(asset_id) AS (
    SELECT DISTINCT v.asset_id FROM asset_versions v
    WHERE v.tenant_id = ${tenantId} AND v.commit_id IN (${sql.join(parts, sql` UNION `)}))`;
};

/** A uuid[] parameter (bound as one text literal so both drivers accept it). */
export const uuidArrayParam = (ids: string[]): SQL => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** Short form of a commit id for lists: uuidv7 ids share their time prefix, so the random tail is shown. */
