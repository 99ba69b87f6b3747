import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../actor';
import { authorize, requireTenant } from '../authz';
import { objectName } from '../catalog/names';
import { getDb } from '@/db/client';
import { AppError, notFound, validationError } from '../errors';
import { idSchema } from '../ids';
import { defineMutation, executeMutation, registerMutations } from '../mutation';
import { fileIOFor } from '../storage/fileio';
import { IcebergError } from '../storage/errors';
import { catalogContext } from './context';
import { previewTable, PREVIEW_DEFAULT_ROWS, PREVIEW_MAX_ROWS, type ByteSource, type Preview } from './preview';
import { readTableMetadata } from './store';

/*
 * Data preview as a data access: whoever may read the table gets its first rows, and each preview is an audit row
 * (`asset.preview`: which table, branch, columns, how many rows and files). The rows are answered only once that
 * row is committed; a refusal is recorded like any other.
 */

export const previewInput = z
  .object({
    assetId: idSchema('Table'),
    branch: objectName('Branch').default('main'),
    rows: z.coerce
      .number({ error: 'rows must be a number' })
      .int('rows must be a whole number')
      .min(1, 'rows must be at least 1')
      .max(PREVIEW_MAX_ROWS, `rows is at most ${PREVIEW_MAX_ROWS}`)
      .default(PREVIEW_DEFAULT_ROWS),
    columns: z
      .preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(',')
                .map((c) => c.trim())
                .filter(Boolean)
            : v,
        z.array(z.string().min(1).max(255)).max(500, 'at most 500 columns'),
      )
      .optional(),
  })
  .strict();

const recordInput = z
  .object({
    assetId: idSchema('Table'),
    branch: objectName('Branch'),
    columns: z.array(z.string().max(255)).max(500),
    rows: z.number().int().min(0),
    filesRead: z.number().int().min(0),
    bytesRead: z.number().int().min(0),
    snapshotId: z.string().max(40).nullable(),
  })
  .strict();

type Target = {
  tenantId: string;
  catalogId: string;
  namespacePath: string[];
  name: string;
  assetType: 'table' | 'view';
  metadataLocation: string | null;
  tags: string[];
};

async function target(q: Parameters<typeof authorize>[0], actor: Actor, assetId: string, branch: string) {
  const tenantId = requireTenant(actor);
  const [a] = (
    await q.execute<Omit<Target, 'tenantId'>>(sql`
    SELECT a.catalog_id AS "catalogId", n.path AS "namespacePath", a.name, a.asset_type AS "assetType",
      a.metadata_location AS "metadataLocation", coalesce(bm.tags, '{}') AS tags
    FROM assets a
    JOIN branches b ON b.tenant_id = a.tenant_id AND b.id = a.branch_id AND b.name = ${branch}
    JOIN namespaces n ON n.tenant_id = a.tenant_id AND n.id = a.namespace_id
    LEFT JOIN business_metadata bm ON bm.tenant_id = a.tenant_id AND bm.asset_id = a.asset_id
    WHERE a.tenant_id = ${tenantId} AND a.asset_id = ${assetId} AND b.catalog_id = a.catalog_id
    LIMIT 1`)
  ).rows;
  if (!a) throw notFound(`Table on branch "${branch}"`);
  const t: Target = { ...a, tenantId };
  await authorize(
    q,
    actor,
    'read',
    { tenantId, catalogId: t.catalogId, namespacePath: t.namespacePath, assetId, tags: t.tags },
    `Table ${t.namespacePath.join('.')}.${t.name}`,
  );
  return t;
}

/** The audit row of a preview: what was read, by whom (the read itself happened just before, outside). */
const recordPreview = defineMutation({
  action: 'asset.preview',
  recordInput: ['assetId', 'branch', 'columns', 'rows', 'filesRead', 'bytesRead', 'snapshotId'],
  resourceType: 'asset',
  input: recordInput,
  authorize: async (tx, actor, input) => {
    await target(tx, actor, input.assetId, input.branch);
  },
  run: async (tx, actor, input) => {
    const t = await target(tx, actor, input.assetId, input.branch);
    return {
      data: { recorded: true },
      audit: {
        resourceId: input.assetId,
        resourceName: `${t.namespacePath.join('.')}.${t.name}`,
        metadata: { branch: input.branch, snapshotId: input.snapshotId, rows: input.rows, filesRead: input.filesRead },
      },
    };
  },
});

registerMutations(recordPreview);

/**
 * The first rows of a table on a branch, for whoever may read it; recorded as a data access. A refusal is recorded
 * like any other and answered as the pipeline answers it (another tenant's table: not found). An unreadable file
 * answers in the storage's terms (missing 404, outside the catalog's storage 403), never rows without their row.
 */
export async function previewAsset(actor: Actor, raw: unknown): Promise<Preview> {
  const parsed = previewInput.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  const input = parsed.data;
  const db = await getDb();
  let t: Target;
  try {
    t = await target(db, actor, input.assetId, input.branch);
  } catch (err) {
    // The pipeline refuses the same way and writes the refusal's audit row.
    await executeMutation(recordPreview, actor, {
      assetId: input.assetId,
      branch: input.branch,
      columns: [],
      rows: 0,
      filesRead: 0,
      bytesRead: 0,
      snapshotId: null,
    }).catch(() => undefined);
    throw err;
  }
  if (t.assetType !== 'table') throw new AppError('bad_request', 'Only tables have rows to preview; this is a view');
  if (!t.metadataLocation) throw notFound("The table's metadata file");
  const { storage } = await catalogContext(actor, t.catalogId);
  const source: ByteSource = {
    size: async (l) => (await fileIOFor(l, storage)).size(l),
    readRange: async (l, start, end) => (await fileIOFor(l, storage)).readRange(l, start, end),
  };
  let preview: Preview;
  try {
    const { metadata } = await readTableMetadata(t.metadataLocation, storage);
    preview = await previewTable(source, metadata, { rows: input.rows, columns: input.columns });
  } catch (err) {
    throw inStorageTerms(err);
  }
  await executeMutation(recordPreview, actor, {
    assetId: input.assetId,
    branch: input.branch,
    columns: preview.columns,
    rows: preview.rows.length,
    filesRead: preview.filesRead,
    bytesRead: preview.bytesRead,
    snapshotId: preview.snapshotId,
  });
  return preview;
}

/** A storage failure as the management API answers it: missing 404, outside the storage 403, malformed 400. */
function inStorageTerms(err: unknown): unknown {
  if (!(err instanceof IcebergError)) return err;
  const code =
    err.status === 404
      ? 'not_found'
      : err.status === 403
        ? 'forbidden'
        : err.status === 400
          ? 'bad_request'
          : 'unavailable';
  return new AppError(code, err.message);
}
