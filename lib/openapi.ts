import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { validationError } from './errors';

/*
 * The OpenAPI 3.1 document of /api/v1, built from the zod schemas the routes validate with, so it cannot
 * drift from them. Each area describes its operations in `lib/<area>/openapi.ts` with `registerOperations`,
 * and `app/api/v1/openapi.json/route.ts` imports that module once; the route handlers use the same schemas
 * (`input` of the mutations, `query` schemas parsed with `parseQuery`).
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';

export type Operation = {
  method: HttpMethod;
  /** OpenAPI path under the server root, e.g. `/api/v1/catalogs/{catalog}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The request body schema (normally a mutation's `input`, minus what the path supplies). */
  body?: z.ZodType;
  /** The success body; documented, and checked against real answers by the tests. */
  response: z.ZodType;
  /** Success status (default 200). */
  status?: number;
  /** Other success answers, e.g. a dry run's 200 beside the 201 of the real thing. */
  otherResponses?: { status: number; description: string; response: z.ZodType }[];
  /** Error statuses this operation can answer, besides 401 (always possible). */
  errors?: number[];
  /** False for the few unauthenticated operations. */
  authenticated?: boolean;
  /** An example request body, shown by the reference page (/api/docs) and its "try it". */
  example?: unknown;
  /** The success answer's media type when it is not JSON (e.g. a CSV export). */
  responseType?: string;
};

const registry = new Map<string, Operation>();

export const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** Adds operations; registering the same method and path twice keeps the last (module reloads in dev). */
export function registerOperations(...ops: Operation[]) {
  for (const op of ops) registry.set(operationKey(op.method, op.path), op);
}

export function registeredOperations(): Operation[] {
  return [...registry.values()];
}

export function findOperation(method: string, path: string): Operation | undefined {
  return registry.get(operationKey(method, path));
}

/** The documented body of a success status of an operation (undefined: that status is not documented). */
export function successSchema(op: Operation, status: number): z.ZodType | undefined {
  if (status === (op.status ?? 200)) return op.response;
  return op.otherResponses?.find((r) => r.status === status)?.response;
}

/** A true/false query parameter (absent means false); anything else is a 422 naming it. */
export const queryFlag = (what: string) =>
  z
    .enum(['true', 'false'], { error: `${what} must be true or false` })
    .optional()
    .transform((v) => v === 'true');

/** Query parameters every keyset-paginated list shares (each area's api-schemas builds its queries from them). */
export const pageLimit = z.coerce
  .number({ error: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be at least 1')
  .max(500, 'limit is at most 500')
  .default(50);
export const pageCursor = z
  .string()
  .max(2000, 'cursor is at most 2000 characters')
  .optional()
  .meta({ description: 'Opaque cursor: the nextCursor of the previous page' });
export const sortDir = z.enum(['asc', 'desc'], { error: 'dir must be asc or desc' }).default('asc');
export const textParam = (what: string) => z.string().trim().max(200, `${what} is at most 200 characters`).optional();

export const errorBody = z
  .object({
    error: z.object({
      code: z.enum([
        'bad_request',
        'validation_failed',
        'unauthenticated',
        'forbidden',
        'not_found',
        'conflict',
        'payload_too_large',
        'too_many_requests',
        'unavailable',
        'internal',
      ]),
      message: z.string(),
      fields: z.record(z.string(), z.array(z.string())).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

const tenantHeader = z.object({
  'x-pangolin-tenant': z.string().optional().meta({ description: 'Root only: the tenant (id or name) to act in' }),
});

/**
 * Parses a URL's query string with an operation's `query` schema: repeated keys become arrays, and a bad
 * or unknown parameter is a 422 naming it (the same schema the document shows).
 */
export function parseQuery<S extends z.ZodType>(schema: S, url: URL): z.output<S> {
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    raw[key] = all.length > 1 ? all : all[0];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

const errorText: Record<number, string> = {
  400: 'Malformed request (bad JSON, bad cursor, no tenant selected)',
  401: 'Missing, invalid, expired or revoked credentials',
  403: 'Not allowed for this actor',
  404: 'Not found (objects of other tenants are always reported as not found)',
  409: 'Conflicts with the current state (duplicate name, not empty, in use)',
  413: 'The request body is larger than allowed',
  422: 'The input breaks a rule; `fields` says which',
  429: 'Too many failed sign-ins from this address for this account; retry after Retry-After seconds',
  503: 'The metadata database is unavailable; retry',
};

function toOperation(op: Operation): ZodOpenApiOperationObject {
  const errors = [
    ...new Set([...(op.authenticated === false ? [] : [401]), ...(op.errors ?? []), ...(op.body ? [413] : []), 503]),
  ].sort((a, b) => a - b);
  return {
    summary: op.summary,
    description: op.description,
    tags: [op.tag],
    operationId: `${op.method}${op.path
      .replace(/^\/api\/v1/, '')
      .replace(/\{(\w+)\}/g, 'By_$1')
      .replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    requestParams: {
      ...(op.params ? { path: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.authenticated === false ? {} : { header: tenantHeader }),
    },
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: op.body, ...(op.example === undefined ? {} : { example: op.example }) },
            },
          },
        }
      : {}),
    ...(op.authenticated === false ? { security: [] } : {}),
    responses: {
      [String(op.status ?? 200)]: {
        description: 'Success',
        content: { [op.responseType ?? 'application/json']: { schema: op.response } },
      },
      ...Object.fromEntries(
        (op.otherResponses ?? []).map((r) => [
          String(r.status),
          { description: r.description, content: { 'application/json': { schema: r.response } } },
        ]),
      ),
      ...Object.fromEntries(
        errors.map((s) => [
          String(s),
          { description: errorText[s] ?? 'Error', content: { 'application/json': { schema: errorBody } } },
        ]),
      ),
    },
  };
}

let cached: { size: number; doc: unknown } | null = null;

/** The document for everything registered so far (memoised until more is registered). */
export function openApiDocument(): unknown {
  if (cached && cached.size === registry.size) return cached.doc;
  const paths: ZodOpenApiPathsObject = {};
  for (const op of [...registry.values()].sort((a, b) => a.path.localeCompare(b.path))) {
    paths[op.path] = { ...paths[op.path], [op.method]: toOperation(op) };
  }
  const doc = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Pangolin Console API',
      version: '1',
      description:
        'Management API of Pangolin. Authenticate with `Authorization: Bearer <token>` (POST /api/v1/users/login), a service user\'s `X-API-Key`, or HTTP Basic credentials; Root selects a tenant with `X-Pangolin-Tenant` (id or name). Errors are `{"error": {"code", "message", "fields"?}}`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKey: [] }, { basic: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A token from POST /api/v1/users/login, Profile → Sessions & tokens, or `pangolin login`',
        },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: "A service user's key" },
        basic: {
          type: 'http',
          scheme: 'basic',
          description:
            'Username and password on every request, for scripts (throttled like sign-in; not for accounts with a second factor; off when PANGOLIN_PASSWORD_LOGIN=false)',
        },
      },
    },
    paths,
  });
  cached = { size: registry.size, doc };
  return doc;
}

registerOperations({
  method: 'get',
  path: '/api/v1/openapi.json',
  tag: 'Meta',
  summary: 'This document (OpenAPI 3.1)',
  description: 'Generated from the zod schemas the routes validate with; browse it at /api/docs.',
  response: z.record(z.string(), z.unknown()),
  authenticated: false,
});
