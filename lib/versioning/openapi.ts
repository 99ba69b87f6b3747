import { registerOperations, type Operation } from '../openapi';
import * as s from './api-schemas';
import { createBranchInput, createTagInput, resolveConflictBody, setBranchProtectionInput } from './mutations';

/*
 * The versioning area's operations (reference paths: branches, tags, commits, merge operations, conflicts).
 * Catalog-scoped reads take `catalog` in the query; bodies are the mutations' input schemas.
 */

const V = '/api/v1';
const readErrors = [400, 403, 404, 422];
const writeErrors = [400, 403, 404, 409, 422];

export const versioningOperations: Operation[] = [
  { method: 'get', path: `${V}/branches`, tag: 'Branches', summary: 'List a catalog\'s branches with head commit, type, protection and ahead/behind main', query: s.branchListQuery, response: s.branchPage, errors: readErrors },
  {
    method: 'post', path: `${V}/branches`, tag: 'Branches', summary: 'Create a branch from a branch head, a tag or any commit',
    description: 'Full, or partial with `assetIds` (the branch then holds only those tables). Typed `ingest` or `experimental`: needs write on the catalog or the matching `ingest-branching` / `experimental-branching` permission.',
    body: createBranchInput, response: s.branchDetail, status: 201, errors: writeErrors,
  },
  { method: 'get', path: `${V}/branches/{name}`, tag: 'Branches', summary: 'Get a branch', params: s.branchPath, query: s.catalogQuery, response: s.branchDetail, errors: readErrors },
  {
    method: 'patch', path: `${V}/branches/{name}`, tag: 'Branches', summary: 'Protect or unprotect a branch (catalog maintainers: the "all" permission)',
    description: 'A protected branch changes only by merge, and only by catalog maintainers.',
    params: s.branchPath, query: s.catalogQuery, body: setBranchProtectionInput.pick({ protected: true }), response: s.branchDetail, errors: writeErrors,
  },
  { method: 'delete', path: `${V}/branches/{name}`, tag: 'Branches', summary: 'Delete a branch (never main; unprotect first; no merge in progress)', params: s.branchPath, query: s.catalogQuery, response: s.deleted, errors: writeErrors },
  { method: 'get', path: `${V}/branches/{name}/commits`, tag: 'Branches', summary: 'A branch\'s history: its first-parent chain, newest first', params: s.branchPath, query: s.commitListQuery, response: s.commitPage, errors: readErrors },
  {
    method: 'post', path: `${V}/branches/merge`, tag: 'Merges', summary: 'Preview (dryRun) or start a three-way merge of one branch into another',
    description: 'The preview lists clean changes and conflicts computed against the merge base, and records nothing. Starting records a merge operation (status conflicted or ready) with its conflicts.',
    body: s.mergeRequest, response: s.preview.or(s.mergeStarted), status: 201, errors: writeErrors,
  },
  { method: 'get', path: `${V}/tags`, tag: 'Tags', summary: 'List a catalog\'s tags', query: s.tagListQuery, response: s.tagPage, errors: readErrors },
  { method: 'post', path: `${V}/tags`, tag: 'Tags', summary: 'Tag a commit (tags are immutable: a taken name is 409)', body: createTagInput, response: s.created, status: 201, errors: writeErrors },
  { method: 'delete', path: `${V}/tags/{name}`, tag: 'Tags', summary: 'Delete a tag', params: s.tagPath, query: s.catalogQuery, response: s.deleted, errors: writeErrors },
  { method: 'get', path: `${V}/commits/diff`, tag: 'Commits', summary: 'Added, removed and changed tables between two refs, with before and after', query: s.diffQuery, response: s.diffPage, errors: readErrors },
  { method: 'get', path: `${V}/commits/{id}`, tag: 'Commits', summary: 'A commit with its parents, tags and changes', params: s.commitPath, query: s.commitDetailQuery, response: s.commitDetail, errors: readErrors },
  { method: 'get', path: `${V}/commits/{id}/assets`, tag: 'Commits', summary: 'The catalog as it was at a commit, tag or branch head', params: s.commitPath, query: s.browseQuery, response: s.browsePage, errors: readErrors },
  { method: 'get', path: `${V}/catalogs/{catalog}/merge-operations`, tag: 'Merges', summary: 'A catalog\'s merge operations, newest first', params: s.catalogPath, query: s.mergeListQuery, response: s.mergePage, errors: readErrors },
  { method: 'get', path: `${V}/merge-operations/{id}`, tag: 'Merges', summary: 'Get a merge operation', params: s.operationPath, response: s.mergeRow, errors: readErrors },
  { method: 'get', path: `${V}/merge-operations/{id}/conflicts`, tag: 'Merges', summary: 'A merge\'s conflicts with base, source and target side by side', params: s.operationPath, query: s.conflictListQuery, response: s.conflictList, errors: readErrors },
  {
    method: 'post', path: `${V}/merge-operations/{id}/complete`, tag: 'Merges', summary: 'Complete a merge as one merge commit with both parents',
    description: 'If the target moved since the start, the merge is re-checked: new conflicts are recorded and reported with 409 (nothing merged). Completing a finished merge is 409 too; of two simultaneous completions exactly one succeeds.',
    params: s.operationPath, response: s.completed, errors: writeErrors,
  },
  { method: 'post', path: `${V}/merge-operations/{id}/abort`, tag: 'Merges', summary: 'Abort a merge (both branches stay untouched)', params: s.operationPath, response: s.created, errors: writeErrors },
  {
    method: 'post', path: `${V}/conflicts/{id}/resolve`, tag: 'Merges', summary: 'Resolve one conflict: take_source, take_target, or manual with a metadata location',
    params: s.conflictPath, body: resolveConflictBody, response: s.created, errors: writeErrors,
  },
];

registerOperations(...versioningOperations);
