import { z } from 'zod';
// Shared list parameters, under the short names the queries below use.
import { pageCursor as cursor, pageLimit as limit, queryFlag, sortDir as dir, textParam as text } from '../openapi';

/*
 * Query, path and response schemas of the versioning API: the routes parse their query strings with these
 * and lib/versioning/openapi.ts documents them. Request bodies are the mutations' own input schemas.
 */

const ref = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(200, `${what} is at most 200 characters`)
    .meta({
      description: `${what}: a branch name, a tag name, a commit id (or its short form), or branch:x / tag:x / commit:x`,
    });

export const catalogParam = z
  .string({ error: 'catalog is required' })
  .trim()
  .min(1, 'catalog is required')
  .max(128, 'catalog is at most 128 characters')
  .meta({ description: 'Catalog name or id' });

export const catalogQuery = z.object({ catalog: catalogParam }).strict();

export const branchListQuery = z
  .object({
    catalog: catalogParam,
    q: text('q').meta({ description: 'Part of the branch name' }),
    type: z.enum(['main', 'ingest', 'experimental'], { error: 'type must be main, ingest or experimental' }).optional(),
    sort: z.enum(['name', 'updatedAt'], { error: 'sort must be name or updatedAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const commitListQuery = z.object({ catalog: catalogParam, cursor, limit }).strict();

export const tagListQuery = z
  .object({
    catalog: catalogParam,
    q: text('q').meta({ description: 'Part of the tag name' }),
    sort: z.enum(['name', 'createdAt'], { error: 'sort must be name or createdAt' }).default('name'),
    dir,
    cursor,
    limit,
  })
  .strict();

export const diffQuery = z
  .object({
    catalog: catalogParam,
    from: ref('from'),
    to: ref('to'),
    change: z.enum(['added', 'removed', 'changed'], { error: 'change must be added, removed or changed' }).optional(),
    cursor,
    limit: limit.default(100),
  })
  .strict();

export const browseQuery = z
  .object({
    catalog: catalogParam,
    q: text('q').meta({ description: 'Part of the table name' }),
    cursor,
    limit: limit.default(100),
  })
  .strict();

export const commitDetailQuery = z.object({ catalog: catalogParam, cursor, limit: limit.default(100) }).strict();

export const mergeListQuery = z
  .object({
    status: z
      .enum(['active', 'pending', 'conflicted', 'resolving', 'ready', 'completed', 'aborted'], {
        error: 'status must be active or a merge status',
      })
      .optional(),
    cursor,
    limit,
  })
  .strict();

export const conflictListQuery = z
  .object({
    open: queryFlag('open'),
    limit: limit.default(200),
  })
  .strict();

/** POST /branches/merge: start a merge, or with dryRun only preview it. */
export const mergeRequest = z
  .object({
    catalog: catalogParam,
    source: z.string({ error: 'source is required' }).trim().min(1, 'source is required').max(128),
    target: z.string().trim().min(1).max(128).default('main'),
    message: z.string().trim().max(2000, 'message is at most 2000 characters').optional(),
    expectedTargetHead: z.uuid({ error: 'expectedTargetHead must be a commit id' }).optional(),
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
  })
  .strict();

/* Path parameters. */
export const branchPath = z.object({ name: z.string().meta({ description: 'Branch name' }) });
export const tagPath = z.object({ name: z.string().meta({ description: 'Tag name' }) });
export const commitPath = z.object({ id: z.string().meta({ description: 'Commit id (or any ref for /assets)' }) });
export const operationPath = z.object({ id: z.uuid().meta({ description: 'Merge operation id' }) });
export const conflictPath = z.object({ id: z.uuid().meta({ description: 'Conflict id' }) });
export const catalogPath = z.object({ catalog: catalogParam });

/* Responses (the main fields; answers may carry more). */
const when = z.iso.datetime({ offset: true });
const state = z
  .object({
    assetId: z.uuid(),
    namespaceId: z.uuid(),
    name: z.string(),
    assetType: z.enum(['table', 'view']),
    metadataLocation: z.string().nullable(),
    schemaId: z.number().int().nullable(),
    properties: z.record(z.string(), z.string()),
  })
  .nullable()
  .meta({ id: 'AssetState', description: "An asset's state on one side (null: absent or dropped)" });
const page = <T extends z.ZodType>(row: T, id: string) =>
  z.looseObject({ rows: z.array(row), nextCursor: z.string().nullable(), total: z.number().int() }).meta({ id });

export const branchRow = z.looseObject({
  id: z.uuid(),
  name: z.string(),
  branchType: z.enum(['main', 'ingest', 'experimental']),
  protected: z.boolean(),
  partial: z.boolean(),
  headCommitId: z.uuid(),
  headMessage: z.string(),
  ahead: z.number().int().nullable(),
  behind: z.number().int().nullable(),
});
export const branchPage = page(branchRow, 'BranchPage');
export const branchDetail = z
  .looseObject({
    catalog: z.object({ id: z.uuid(), name: z.string() }),
    branch: z.looseObject({
      id: z.uuid(),
      name: z.string(),
      branchType: z.string(),
      protected: z.boolean(),
      headCommitId: z.uuid(),
      tables: z.number().int(),
    }),
  })
  .meta({ id: 'Branch' });
export const commitRow = z.looseObject({
  id: z.uuid(),
  parentId: z.uuid().nullable(),
  mergeParentId: z.uuid().nullable(),
  branchName: z.string(),
  depth: z.number().int(),
  authorName: z.string(),
  message: z.string(),
  changeCount: z.number().int(),
  createdAt: when,
  tags: z.array(z.string()),
});
export const commitPage = page(commitRow, 'CommitPage');
export const change = z.looseObject({
  assetId: z.uuid(),
  namespace: z.string(),
  name: z.string(),
  before: state,
  after: state,
});
export const commitDetail = z
  .looseObject({ commit: z.looseObject({ id: z.uuid() }), changes: z.array(change), nextCursor: z.string().nullable() })
  .meta({ id: 'Commit' });
export const diffPage = z
  .looseObject({
    rows: z.array(change.extend({ change: z.enum(['added', 'removed', 'changed']) })),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
    added: z.number().int(),
    removed: z.number().int(),
    changed: z.number().int(),
  })
  .meta({ id: 'Diff' });
export const browsePage = page(
  z.looseObject({ assetId: z.uuid(), name: z.string(), namespace: z.string().nullable() }),
  'AssetsAtRef',
);
export const tagRow = z.looseObject({
  id: z.uuid(),
  name: z.string(),
  commitId: z.uuid(),
  message: z.string().nullable(),
  createdAt: when,
});
export const tagPage = page(tagRow, 'TagPage');
export const created = z.looseObject({ id: z.uuid() });
export const deleted = z.looseObject({ id: z.uuid() });
export const mergeRow = z.looseObject({
  id: z.uuid(),
  status: z.enum(['pending', 'conflicted', 'resolving', 'ready', 'completed', 'aborted']),
  sourceBranch: z.string(),
  targetBranch: z.string(),
  baseCommitId: z.uuid().nullable(),
  sourceHeadCommitId: z.uuid(),
  targetHeadCommitId: z.uuid(),
  conflicts: z.number().int(),
  openConflicts: z.number().int(),
  resultCommitId: z.uuid().nullable(),
});
export const mergePage = page(mergeRow, 'MergeOperationPage');
export const conflictRow = z
  .looseObject({
    id: z.uuid(),
    assetId: z.uuid(),
    conflictType: z.enum(['data_overlap', 'deletion_conflict', 'create_conflict', 'schema_change']),
    description: z.string(),
    baseState: state,
    sourceState: state,
    targetState: state,
    resolution: z.enum(['take_source', 'take_target', 'manual']).nullable(),
    resolvedState: state,
  })
  .meta({ id: 'MergeConflict' });
export const conflictList = z.object({ rows: z.array(conflictRow), total: z.number().int() });
export const preview = z
  .looseObject({
    upToDate: z.boolean(),
    baseCommitId: z.uuid().nullable(),
    summary: z.looseObject({
      sourceOnly: z.number().int(),
      conflicts: z.number().int(),
      tableMerges: z.number().int().meta({
        description: 'Tables both branches changed whose snapshots are combined automatically (both appended)',
      }),
    }),
    changes: z.array(
      z.looseObject({
        assetId: z.uuid(),
        op: z.enum(['create', 'update', 'rename', 'drop', 'merge']),
        before: state,
        after: state,
        detail: z
          .string()
          .optional()
          .meta({ description: 'For op merge: "merged automatically: N files / M rows appended from the source"' }),
      }),
    ),
    conflicts: z.array(
      z.looseObject({
        assetId: z.uuid(),
        kind: z.string(),
        base: state,
        source: state,
        target: state,
        detail: z
          .string()
          .nullable()
          .meta({ description: 'Why the two sides could not be combined: which snapshots, columns or keys' }),
      }),
    ),
  })
  .meta({ id: 'MergePreview' });
export const rebased = z
  .looseObject({
    id: z.uuid(),
    branch: z.string(),
    onto: z.string(),
    baseCommitId: z.uuid(),
    previousHeadCommitId: z.uuid(),
    headCommitId: z.uuid(),
    changes: z.number().int(),
    tablesCombined: z.number().int(),
  })
  .meta({ id: 'Rebased' });
export const mergeStarted = z.looseObject({ operation: mergeRow, conflicts: conflictList, targetMoved: z.boolean() });
export const completed = z.looseObject({
  id: z.uuid(),
  completed: z.literal(true),
  commitId: z.uuid(),
  changeCount: z.number().int(),
});
