/**
 * Response shapes of the Apache Iceberg REST catalog OpenAPI spec (open-api/rest-catalog-open-api.yaml),
 * written as zod schemas, and a fetch wrapper that checks every response a test receives against the
 * shape its endpoint promises. Objects are loose where the spec allows additional properties.
 */
import { z } from 'zod';

const stringMap = z.record(z.string(), z.string());
const int = z.number().int();
/** int64 in the spec: JSON.parse keeps such numbers integral but not exact beyond 2^53 (the tests check digits in the text). */
const long = z.number().refine(Number.isInteger, 'Expected an integer');
const namespace = z.array(z.string());
const pageToken = z.string().nullable().optional();

const type: z.ZodType = z.lazy(() => z.union([z.string(), structType, listType, mapType]));
const structField = z.object({
  id: int,
  name: z.string(),
  type,
  required: z.boolean(),
  doc: z.string().optional(),
  'initial-default': z.unknown().optional(),
  'write-default': z.unknown().optional(),
});
const structType = z.object({ type: z.literal('struct'), fields: z.array(structField) });
const listType = z.object({
  type: z.literal('list'),
  'element-id': int,
  element: type,
  'element-required': z.boolean(),
});
const mapType = z.object({
  type: z.literal('map'),
  'key-id': int,
  key: type,
  'value-id': int,
  value: type,
  'value-required': z.boolean(),
});
export const Schema = structType.extend({
  'schema-id': int.optional(),
  'identifier-field-ids': z.array(int).optional(),
});

const PartitionSpec = z.object({
  'spec-id': int.optional(),
  fields: z.array(z.object({ 'field-id': int.optional(), 'source-id': int, name: z.string(), transform: z.string() })),
});
const SortOrder = z.object({
  'order-id': int,
  fields: z.array(
    z.object({
      'source-id': int,
      transform: z.string(),
      direction: z.enum(['asc', 'desc']),
      'null-order': z.enum(['nulls-first', 'nulls-last']),
    }),
  ),
});
const Snapshot = z.object({
  'snapshot-id': long,
  'parent-snapshot-id': long.optional(),
  'sequence-number': long.optional(),
  'timestamp-ms': long,
  'manifest-list': z.string(),
  summary: z.looseObject({ operation: z.enum(['append', 'replace', 'overwrite', 'delete']) }),
  'schema-id': int.optional(),
});
const SnapshotReference = z.object({
  type: z.enum(['tag', 'branch']),
  'snapshot-id': long,
  'max-ref-age-ms': long.optional(),
  'max-snapshot-age-ms': long.optional(),
  'min-snapshots-to-keep': int.optional(),
});
const StatisticsFile = z.object({
  'snapshot-id': long,
  'statistics-path': z.string(),
  'file-size-in-bytes': long,
  'file-footer-size-in-bytes': long,
  'blob-metadata': z.array(z.unknown()),
});

export const TableMetadata = z.object({
  'format-version': int.min(1).max(3),
  'table-uuid': z.string(),
  location: z.string().optional(),
  'last-updated-ms': long.optional(),
  properties: stringMap.optional(),
  schemas: z.array(Schema).optional(),
  'current-schema-id': int.optional(),
  'last-column-id': int.optional(),
  'partition-specs': z.array(PartitionSpec).optional(),
  'default-spec-id': int.optional(),
  'last-partition-id': int.optional(),
  'sort-orders': z.array(SortOrder).optional(),
  'default-sort-order-id': int.optional(),
  snapshots: z.array(Snapshot).optional(),
  refs: z.record(z.string(), SnapshotReference).optional(),
  'current-snapshot-id': long.optional(),
  'last-sequence-number': long.optional(),
  'snapshot-log': z.array(z.object({ 'snapshot-id': long, 'timestamp-ms': long })).optional(),
  'metadata-log': z.array(z.object({ 'metadata-file': z.string(), 'timestamp-ms': long })).optional(),
  statistics: z.array(StatisticsFile).optional(),
  'partition-statistics': z
    .array(z.object({ 'snapshot-id': long, 'statistics-path': z.string(), 'file-size-in-bytes': long }))
    .optional(),
});

const ViewVersion = z.object({
  'version-id': int,
  'timestamp-ms': long,
  'schema-id': int,
  summary: stringMap,
  representations: z.array(z.object({ type: z.string(), sql: z.string(), dialect: z.string() })),
  'default-catalog': z.string().optional(),
  'default-namespace': namespace,
});
export const ViewMetadata = z.object({
  'view-uuid': z.string(),
  'format-version': int.min(1).max(1),
  location: z.string(),
  'current-version-id': int,
  versions: z.array(ViewVersion),
  'version-log': z.array(z.object({ 'version-id': int, 'timestamp-ms': long })),
  schemas: z.array(Schema),
  properties: stringMap.optional(),
});

export const CatalogConfig = z.object({
  defaults: stringMap,
  overrides: stringMap,
  endpoints: z.array(z.string().regex(/^(GET|HEAD|POST|PUT|DELETE) \/v1\//)).optional(),
  /** An ISO-8601 duration such as PT30M. */
  'idempotency-key-lifetime': z
    .string()
    .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/)
    .optional(),
});
export const ListNamespacesResponse = z.object({
  'next-page-token': pageToken,
  namespaces: z.array(namespace).optional(),
});
export const CreateNamespaceResponse = z.object({ namespace, properties: stringMap.optional() });
export const GetNamespaceResponse = z.object({ namespace, properties: stringMap.nullable().optional() });
export const UpdateNamespacePropertiesResponse = z.object({
  updated: z.array(z.string()),
  removed: z.array(z.string()),
  missing: z.array(z.string()).nullable().optional(),
});
export const ListTablesResponse = z.object({
  'next-page-token': pageToken,
  identifiers: z.array(z.object({ namespace, name: z.string() })).optional(),
});
export const LoadTableResult = z.object({
  'metadata-location': z.string().nullable().optional(),
  metadata: TableMetadata,
  config: stringMap.optional(),
  'storage-credentials': z.array(z.object({ prefix: z.string(), config: stringMap })).optional(),
});
const StorageCredential = z.object({ prefix: z.string(), config: stringMap });
const LoadCredentialsResponse = z.object({ 'storage-credentials': z.array(StorageCredential) });
const RemoteSignResult = z.object({ uri: z.string(), headers: z.record(z.string(), z.array(z.string())) });
export const CommitTableResponse = z.object({ 'metadata-location': z.string(), metadata: TableMetadata });
export const LoadViewResult = z.object({
  'metadata-location': z.string(),
  metadata: ViewMetadata,
  config: stringMap.optional(),
});
export const ErrorModel = z.object({
  message: z.string(),
  type: z.string(),
  code: int.min(400).max(600),
  stack: z.array(z.string()).optional(),
});
export const IcebergErrorResponse = z.object({ error: ErrorModel }).strict();
export const OAuthTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.enum(['bearer', 'mac', 'N_A']),
  expires_in: int.optional(),
  issued_token_type: z.string().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
});
export const OAuthError = z.object({
  error: z.enum([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
  ]),
  error_description: z.string().optional(),
  error_uri: z.string().optional(),
});

/** Which shape a successful response of an endpoint has (null: no body, 204). */
export function successShape(method: string, pathname: string): { name: string; schema: z.ZodType | null } {
  const p = pathname.replace(/^\/v1\//, '').split('/');
  const m = method.toUpperCase();
  if (p[0] === 'config') return { name: 'CatalogConfig', schema: CatalogConfig };
  if (p[0] === 'oauth') return { name: 'OAuthTokenResponse', schema: OAuthTokenResponse };
  const r = p.slice(1);
  const at = (...parts: string[]) => r.length === parts.length && parts.every((x, i) => x === '*' || x === r[i]);
  if (at('namespaces'))
    return m === 'GET'
      ? { name: 'ListNamespacesResponse', schema: ListNamespacesResponse }
      : { name: 'CreateNamespaceResponse', schema: CreateNamespaceResponse };
  if (at('namespaces', '*'))
    return m === 'GET'
      ? { name: 'GetNamespaceResponse', schema: GetNamespaceResponse }
      : { name: 'none', schema: null };
  if (at('namespaces', '*', 'properties'))
    return { name: 'UpdateNamespacePropertiesResponse', schema: UpdateNamespacePropertiesResponse };
  if (at('namespaces', '*', 'tables') || at('namespaces', '*', 'views')) {
    if (m === 'GET') return { name: 'ListTablesResponse', schema: ListTablesResponse };
    return r[2] === 'tables'
      ? { name: 'LoadTableResult', schema: LoadTableResult }
      : { name: 'LoadViewResult', schema: LoadViewResult };
  }
  if (at('namespaces', '*', 'register')) return { name: 'LoadTableResult', schema: LoadTableResult };
  if (at('namespaces', '*', 'tables', '*')) {
    if (m === 'GET') return { name: 'LoadTableResult', schema: LoadTableResult };
    if (m === 'POST') return { name: 'CommitTableResponse', schema: CommitTableResponse };
    return { name: 'none', schema: null };
  }
  if (at('namespaces', '*', 'tables', '*', 'credentials'))
    return { name: 'LoadCredentialsResponse', schema: LoadCredentialsResponse };
  if (at('namespaces', '*', 'tables', '*', 'sign')) return { name: 'RemoteSignResult', schema: RemoteSignResult };
  if (at('namespaces', '*', 'views', '*'))
    return m === 'GET' || m === 'POST'
      ? { name: 'LoadViewResult', schema: LoadViewResult }
      : { name: 'none', schema: null };
  return { name: 'none', schema: null };
}

export type ValidationLog = { checked: Record<string, number>; failures: string[] };
export const newLog = (): ValidationLog => ({ checked: {}, failures: [] });

/**
 * fetch that validates each response: success bodies against their endpoint's shape, 204/HEAD/304 as empty,
 * errors against IcebergErrorResponse (OAuthError for the token endpoint). Failures are collected, not thrown,
 * so a test can assert at the end that every response conformed.
 */
export function validatingFetch(log: ValidationLog): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const text = await res.clone().text();
    const note = (name: string, problem?: string) => {
      log.checked[name] = (log.checked[name] ?? 0) + 1;
      if (problem) log.failures.push(`${method} ${url.pathname} ${res.status} (${name}): ${problem}`);
    };
    // The spec answers success with 200 (a body) or 204 (none); iceberg-js accepts any 2xx, so the status is checked here.
    if (res.ok && res.status !== 200 && res.status !== 204)
      note('status', `success status ${res.status}, the spec answers 200 or 204`);
    if (res.status === 204 || res.status === 304 || method === 'HEAD') {
      note('empty', text ? `expected no body, got ${text.slice(0, 200)}` : undefined);
    } else {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        note('json', `not JSON: ${text.slice(0, 200)}`);
        return res;
      }
      if (!(res.headers.get('content-type') ?? '').includes('application/json'))
        note('content-type', `content-type is ${res.headers.get('content-type')}`);
      const oauth = url.pathname.endsWith('/oauth/tokens');
      const shape = res.ok
        ? successShape(method, url.pathname)
        : oauth
          ? { name: 'OAuthError', schema: OAuthError }
          : { name: 'IcebergErrorResponse', schema: IcebergErrorResponse };
      if (!shape.schema) note(shape.name, `expected no body for ${method}, got ${text.slice(0, 200)}`);
      else {
        const parsed = shape.schema.safeParse(body);
        note(shape.name, parsed.success ? undefined : JSON.stringify(parsed.error.issues.slice(0, 3)));
        if (!res.ok && !oauth && (body as { error?: { code?: number } }).error?.code !== res.status)
          note('error-code', `error.code ${(body as { error: { code: number } }).error.code} != status ${res.status}`);
      }
    }
    return res;
  }) as typeof fetch;
}
