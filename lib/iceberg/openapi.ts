import { registerOperations, type Operation } from '../openapi';
import { assetIdPath } from '../catalog/api-schemas';
import { metadataFileAnswer, metadataFileQuery } from './api-schemas';

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
];

registerOperations(...ops);
export const icebergOperations = ops;
