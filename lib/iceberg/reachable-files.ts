import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { fileIOFor, type Storage } from '../storage/fileio';
import { readAvroRecords } from './avro';
import type { TableMetadata } from './spec';
import { readTableMetadata } from './store';

/*
 * The files an Iceberg metadata file reaches: itself, the metadata files its log names, statistics files, and for
 * every snapshot its manifest list, the manifests that list names and the data and delete files those name. Purge
 * (and, later, expiry and orphan removal) work from this set: what a dropped pointer reaches, minus what any pointer
 * still kept reaches (another branch, a tagged commit, another table sharing the location).
 */

async function avroAt(storage: Storage, location: string): Promise<Record<string, unknown>[]> {
  const io = await fileIOFor(location, storage);
  return readAvroRecords(await io.readRange(location, 0, await io.size(location)));
}

/** Adds everything `metadataLocation` reaches to `out`; manifests already read (`seen`) are not read again. */
export async function addReachableFiles(
  storage: Storage,
  metadataLocation: string,
  out: Set<string>,
  seen: Set<string> = new Set(),
): Promise<void> {
  out.add(metadataLocation);
  await addFilesOf(storage, (await readTableMetadata(metadataLocation, storage)).metadata, out, seen);
}

/** Adds everything a metadata document reaches (not the document's own file) to `out`. */
export async function addFilesOf(
  storage: Storage,
  metadata: TableMetadata,
  out: Set<string>,
  seen: Set<string> = new Set(),
): Promise<void> {
  for (const e of metadata['metadata-log'] ?? []) out.add(e['metadata-file']);
  for (const st of [...(metadata.statistics ?? []), ...(metadata['partition-statistics'] ?? [])])
    if (typeof st['statistics-path'] === 'string') out.add(st['statistics-path']);
  for (const snap of metadata.snapshots ?? []) {
    const list = snap['manifest-list'];
    if (!list || seen.has(list)) continue;
    seen.add(list);
    out.add(list);
    for (const m of (await avroAt(storage, list)) as { manifest_path: string }[]) {
      out.add(m.manifest_path);
      if (seen.has(m.manifest_path)) continue;
      seen.add(m.manifest_path);
      for (const e of (await avroAt(storage, m.manifest_path)) as { data_file: { file_path: string } }[])
        out.add(e.data_file.file_path);
    }
  }
}

/**
 * The metadata pointers whose files must survive removing `assetId` on `branchId`: the same table on every other
 * branch, any other table of the tenant whose pointer lies under the same table location (registered copies), and
 * every version a tagged commit can reach (a tag keeps its whole history readable).
 */
export async function keptPointers(
  q: Queryable,
  p: { tenantId: string; catalogId: string; assetId: string; branchId: string; tableLocation: string },
): Promise<string[]> {
  const prefix = `${p.tableLocation.replace(/\/+$/, '')}/`;
  const res = await q.execute<{ location: string }>(sql`
    WITH RECURSIVE tagged(id) AS (
      SELECT t.commit_id FROM tags t WHERE t.tenant_id = ${p.tenantId} AND t.catalog_id = ${p.catalogId}::uuid
      UNION
      SELECT x.x FROM tagged a JOIN commits c ON c.tenant_id = ${p.tenantId} AND c.id = a.id
        CROSS JOIN LATERAL (VALUES (c.parent_id), (c.merge_parent_id)) x(x) WHERE x.x IS NOT NULL)
    SELECT DISTINCT a.metadata_location AS location FROM assets a
    WHERE a.tenant_id = ${p.tenantId} AND a.metadata_location IS NOT NULL
      AND ((a.asset_id = ${p.assetId}::uuid AND a.branch_id <> ${p.branchId}::uuid)
        OR (a.asset_id <> ${p.assetId}::uuid AND starts_with(a.metadata_location, ${prefix})))
    UNION
    SELECT DISTINCT v.metadata_location FROM asset_versions v
    WHERE v.tenant_id = ${p.tenantId} AND v.commit_id IN (SELECT id FROM tagged) AND v.metadata_location IS NOT NULL
      AND (v.asset_id = ${p.assetId}::uuid OR starts_with(v.metadata_location, ${prefix}))`);
  return res.rows.map((r) => r.location);
}

/** Every metadata file of this catalog under `prefix`: the pointers of every branch and every commit's versions. */
export async function catalogPointersUnder(
  q: Queryable,
  tenantId: string,
  catalogId: string,
  prefix: string,
): Promise<string[]> {
  const res = await q.execute<{ location: string }>(sql`
    SELECT a.metadata_location AS location FROM assets a
    WHERE a.tenant_id = ${tenantId} AND a.catalog_id = ${catalogId}::uuid AND starts_with(a.metadata_location, ${prefix})
    UNION
    SELECT v.metadata_location FROM asset_versions v JOIN commits c ON c.tenant_id = v.tenant_id AND c.id = v.commit_id
    WHERE v.tenant_id = ${tenantId} AND c.catalog_id = ${catalogId}::uuid AND starts_with(v.metadata_location, ${prefix})`);
  return res.rows.map((r) => r.location);
}
