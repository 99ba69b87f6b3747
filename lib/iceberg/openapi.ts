import { registerOperations, type Operation } from '../openapi';
import { assetIdPath, catalogPath } from '../catalog/api-schemas';
import { catalogMaintenanceBody } from './maintenance-schedule';
import {
  catalogMaintenanceAnswer,
  maintenanceRunPage,
  maintenanceRunQuery,
  metadataFileAnswer,
  metadataFileQuery,
  previewAnswer,
  previewQuery,
} from './api-schemas';

/* The iceberg area's operations on the management API (the Iceberg REST catalog itself is /v1, its own spec). */

const ops: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/assets/{id}/metadata-file',
    tag: 'Assets',
    summary: "What a table's or view's metadata file says",
    description:
      'The schema tree and history, partition specs, sort orders, snapshots (newest first, a page at a time), the ' +
      "table's own refs, the metadata log and properties; a view's SQL and versions. Read through the catalog's " +
      'storage with the same permission as loading the table (`read`). An unreadable file answers 200 with ' +
      '`status: unreadable` and the reason (`missing`, `refused`, `unreachable`, `invalid`).',
    params: assetIdPath,
    query: metadataFileQuery,
    response: metadataFileAnswer,
    errors: [400, 403, 404, 422],
  },
  {
    method: 'get',
    path: '/api/v1/assets/{id}/preview',
    tag: 'Assets',
    summary: 'The first rows of a table (an audited data access)',
    description:
      "Rows of the branch's current snapshot, read from its manifests and Parquet data files through the catalog's " +
      'storage, for whoever may `read` the table; each preview is an `asset.preview` audit row. Bounded by the rows ' +
      'asked for, a byte and a time budget (`stoppedBecause` says which stopped it). A snapshot with delete files ' +
      'answers no rows and says why in `note`.',
    params: assetIdPath,
    query: previewQuery,
    response: previewAnswer,
    errors: [400, 403, 404, 422],
  },
  {
    method: 'get',
    path: '/api/v1/catalogs/{catalog}/maintenance-runs',
    tag: 'Catalogs',
    summary: "A catalog's table maintenance runs (purges after drops), newest first, with their progress",
    description:
      'Each run is a background job: files to remove, removed so far, kept because another branch, a tagged commit or ' +
      'another table still reaches them, bytes removed, attempts and the last error. For readers of the catalog.',
    params: catalogPath,
    query: maintenanceRunQuery,
    response: maintenanceRunPage,
    errors: [400, 403, 404, 422],
  },
  {
    method: 'get',
    path: '/api/v1/catalogs/{catalog}/maintenance',
    tag: 'Catalogs',
    summary: "A catalog's maintenance policy (snapshot expiry, orphan file removal) and when it runs next",
    description: 'The defaults (both schedules off) until one is set. For readers of the catalog.',
    params: catalogPath,
    response: catalogMaintenanceAnswer,
    errors: [400, 403, 404, 422],
  },
  {
    method: 'put',
    path: '/api/v1/catalogs/{catalog}/maintenance',
    tag: 'Catalogs',
    summary: "Set a catalog's maintenance policy and schedules",
    description:
      'Expire snapshots older than `expireOlderThanDays`, keeping the last `expireRetainLast` of each branch, and ' +
      'remove orphan files older than `orphansOlderThanDays` (at least 1), each `off`, `daily` or `weekly`. A ' +
      'schedule turned on runs at the next hourly check, then every day or week: real runs on every table of the main ' +
      'branch, which never remove what another branch, a tag or a commit still reaches. For those who may change the ' +
      'catalog; audited as `catalog.set_maintenance`.',
    example: {
      expireSchedule: 'daily',
      expireOlderThanDays: 7,
      expireRetainLast: 5,
      orphansSchedule: 'weekly',
      orphansOlderThanDays: 3,
    },
    params: catalogPath,
    body: catalogMaintenanceBody,
    response: catalogMaintenanceAnswer,
    errors: [400, 403, 404, 409, 422],
  },
];

registerOperations(...ops);
export const icebergOperations = ops;
