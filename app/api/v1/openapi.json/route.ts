// GET /api/v1/openapi.json
import { NextResponse } from 'next/server';
import { publicRoute } from '@/lib/api';
import { apiDocument } from '@/lib/ops/api-document';

/** The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the routes validate with. */
export const GET = publicRoute(async () =>
  NextResponse.json(apiDocument(), { headers: { 'Cache-Control': 'public, max-age=60' } }),
);
