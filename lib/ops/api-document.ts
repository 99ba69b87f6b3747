import { openApiDocument } from '../openapi';
// Each area registers its operations by being imported here (see ARCHITECTURE.md, "The API document").
import '../catalog/openapi';
import '../versioning/openapi';
import '../audit/openapi';
import '../iceberg/openapi';
import '../governance/openapi';
import '../health/openapi';

/** The whole /api/v1 document: served at /api/v1/openapi.json, typed into the CLI's client (cli/api.d.ts). */
export const apiDocument = () => openApiDocument();
