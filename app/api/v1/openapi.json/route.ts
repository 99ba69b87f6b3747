// GET /api/v1/openapi.json
import { NextResponse } from 'next/server';
import { publicRoute } from '@/lib/api';
import { openApiDocument } from '@/lib/openapi';
// Each area registers its operations by being imported here (see ARCHITECTURE.md, "The API document").
import '@/lib/governance/openapi';
import '@/lib/catalog/openapi';
import '@/lib/versioning/openapi';
import '@/lib/audit/openapi';
import '@/lib/iceberg/openapi';

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate with. */
export const GET = publicRoute(async () =>
  NextResponse.json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=60' } }),
);
