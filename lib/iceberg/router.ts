import { getDb } from '@/db/client';
import { appMetrics } from '../metrics';
import { requestInfoFrom, withRequestId } from '../request-info';
import { getConfig, issueOAuthToken } from './auth-ops';
import { assetRef } from './assets';
import { authenticate, catalogContext, type Addressed, type CatalogContext } from './context';
import { errorResponse, IcebergError, NAMESPACE_CTX, toIcebergError, type ErrorContext } from './errors';
import { MAX_BODY_BYTES, readRaw } from './http';
import { withIdempotencyKey } from './idempotency';
import { tableMaintenance } from './maintenance-ops';
import {
  createNamespaceOp,
  dropNamespace,
  listNamespaces,
  loadNamespace,
  namespaceExists,
  updateNamespacePropertiesOp,
} from './namespace-ops';
import type { PageRequest } from './queries/objects';
import {
  commitTable,
  commitTransaction,
  createTable,
  dropTable,
  listTables,
  loadTable,
  registerTable,
  renameTable,
  reportMetrics,
  tableExists,
} from './tables';
import { createView, dropView, loadView, replaceView } from './view-ops';
import { delegationOf, loadCredentials, signRequest, withDelegation } from './vending';

type Method = 'GET' | 'HEAD' | 'POST' | 'DELETE';
type Handler = (ctx: CatalogContext, p: string[], req: Request, url: URL) => Promise<Response>;
type Route = { path: string[]; errors: ErrorContext; methods: Partial<Record<Method, Handler>> };

const TABLE_CTX: ErrorContext = { notFound: 'NoSuchTableException', conflict: 'AlreadyExistsException' };
const COMMIT_CTX: ErrorContext = { notFound: 'NoSuchTableException', conflict: 'CommitFailedException' };
const VIEW_CTX: ErrorContext = { notFound: 'NoSuchViewException', conflict: 'AlreadyExistsException' };

const page = (url: URL): PageRequest => {
  const size = url.searchParams.get('pageSize');
  const token = url.searchParams.get('pageToken');
  return { token: token ?? undefined, size: size === null || size === '' ? undefined : Number(size) };
};

/** Routes under /v1/{prefix}; ":x" segments are parameters, passed in order. */
const ROUTES: Route[] = [
  {
    path: ['namespaces'],
    errors: NAMESPACE_CTX,
    methods: {
      GET: (c, _p, _r, u) => listNamespaces(c, u.searchParams.get('parent'), page(u)),
      POST: async (c, _p, r) => createNamespaceOp(c, await readRaw(r)),
    },
  },
  {
    path: ['namespaces', ':ns'],
    errors: { ...NAMESPACE_CTX, conflict: 'NamespaceNotEmptyException' },
    methods: {
      GET: (c, [ns]) => loadNamespace(c, ns),
      HEAD: (c, [ns]) => namespaceExists(c, ns),
      DELETE: (c, [ns]) => dropNamespace(c, ns),
    },
  },
  {
    path: ['namespaces', ':ns', 'properties'],
    errors: NAMESPACE_CTX,
    methods: {
      POST: async (c, [ns], r) => updateNamespacePropertiesOp(c, ns, await readRaw(r)),
    },
  },
  {
    path: ['namespaces', ':ns', 'tables'],
    errors: { ...TABLE_CTX, notFound: 'NoSuchNamespaceException' },
    methods: {
      GET: (c, [ns], _r, u) => listTables(c, ns, page(u)),
      POST: async (c, [ns], r) => {
        const raw = await readRaw(r);
        return withDelegation(c, ns, nameIn(raw), r, await createTable(c, ns, raw), { created: true });
      },
    },
  },
  {
    path: ['namespaces', ':ns', 'register'],
    errors: { ...TABLE_CTX, notFound: 'NoSuchNamespaceException' },
    methods: {
      POST: async (c, [ns], r) => registerTable(c, ns, await readRaw(r)),
    },
  },
  {
    path: ['namespaces', ':ns', 'tables', ':t'],
    errors: TABLE_CTX,
    methods: {
      GET: async (c, [ns, t], r, u) =>
        withDelegation(
          c,
          ns,
          t,
          r,
          await loadTable(c, ns, t, {
            snapshots: u.searchParams.get('snapshots'),
            // Fresh credentials are never a 304 away.
            ifNoneMatch: delegationOf(r.headers).size ? null : r.headers.get('if-none-match'),
          }),
        ),
      HEAD: (c, [ns, t]) => tableExists(c, ns, t),
      POST: async (c, [ns, t], r) => commitTable(c, ns, t, await readRaw(r)),
      DELETE: (c, [ns, t], _r, u) => dropTable(c, ns, t, u.searchParams.get('purgeRequested') === 'true'),
    },
  },
  {
    path: ['namespaces', ':ns', 'tables', ':t', 'credentials'],
    errors: TABLE_CTX,
    methods: {
      GET: (c, [ns, t]) => loadCredentials(c, ns, t),
    },
  },
  {
    path: ['namespaces', ':ns', 'tables', ':t', 'sign'],
    errors: TABLE_CTX,
    methods: {
      POST: async (c, [ns, t], r) => signRequest(c, ns, t, await readRaw(r)),
    },
  },
  {
    path: ['namespaces', ':ns', 'tables', ':t', 'metrics'],
    errors: TABLE_CTX,
    methods: {
      POST: (c, [ns, t], r) => reportMetrics(c, ns, t, r),
    },
  },
  {
    path: ['namespaces', ':ns', 'tables', ':t', 'maintenance'],
    errors: TABLE_CTX,
    methods: {
      POST: async (c, [ns, t], r) => tableMaintenance(c, ns, t, await readRaw(r)),
    },
  },
  {
    path: ['tables', 'rename'],
    errors: TABLE_CTX,
    methods: {
      POST: async (c, _p, r) => renameTable(c, await readRaw(r), 'table'),
    },
  },
  {
    path: ['transactions', 'commit'],
    errors: COMMIT_CTX,
    methods: {
      POST: async (c, _p, r) => commitTransaction(c, await readRaw(r)),
    },
  },
  {
    path: ['namespaces', ':ns', 'views'],
    errors: { ...VIEW_CTX, notFound: 'NoSuchNamespaceException' },
    methods: {
      GET: (c, [ns], _r, u) => listTables(c, ns, page(u), 'view'),
      POST: async (c, [ns], r) => createView(c, ns, await readRaw(r)),
    },
  },
  {
    path: ['namespaces', ':ns', 'views', ':v'],
    errors: VIEW_CTX,
    methods: {
      GET: (c, [ns, v]) => loadView(c, ns, v),
      HEAD: (c, [ns, v]) => tableExists(c, ns, v, 'view'),
      POST: async (c, [ns, v], r) => replaceView(c, ns, v, await readRaw(r)),
      DELETE: (c, [ns, v]) => dropView(c, ns, v),
    },
  },
  {
    path: ['views', 'rename'],
    errors: VIEW_CTX,
    methods: {
      POST: async (c, _p, r) => renameTable(c, await readRaw(r), 'view'),
    },
  },
];

/** The table name a create request's body names (the body is validated by createTable). */
const nameIn = (raw: unknown) =>
  raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string'
    ? (raw as { name: string }).name
    : null;

function match(segments: string[]): { route: Route; params: string[] } | null {
  for (const route of ROUTES) {
    if (route.path.length !== segments.length) continue;
    const params: string[] = [];
    if (route.path.every((part, i) => (part.startsWith(':') ? (params.push(segments[i]), true) : part === segments[i])))
      return { route, params };
  }
  return null;
}

/** POST to a table or view is a commit: its 409 is CommitFailedException, not AlreadyExists. */
const errorsFor = (route: Route, method: Method): ErrorContext =>
  route.path.length === 4 && method === 'POST' ? { ...COMMIT_CTX, notFound: route.errors.notFound } : route.errors;

/**
 * The Iceberg REST catalog: one entry point for every /v1 request, taking and returning standard
 * Request/Response objects (the Next route handlers delegate here; tests and benchmarks call it directly).
 */
export async function handleIcebergRequest(req: Request): Promise<Response> {
  const request = requestInfoFrom(req.headers);
  const method = req.method.toUpperCase() as Method;
  let errors: ErrorContext = NAMESPACE_CTX;
  try {
    const url = new URL(req.url);
    let segments: string[];
    try {
      segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw new IcebergError(400, 'BadRequestException', 'Malformed request path');
    }
    if (segments[0] !== 'v1') throw new IcebergError(404, 'NotFoundException', 'Not an Iceberg REST path');
    const { rest, configWarehouse } = normalisePrefix(segments.slice(1));

    if (rest.length === 2 && rest[0] === 'oauth' && rest[1] === 'tokens') {
      if (method !== 'POST') return methodNotAllowed(['POST'], request.requestId);
      return withRequestId(await issueOAuthToken(req, request), request.requestId);
    }
    const db = await getDb();
    if (rest.length === 1 && rest[0] === 'config') {
      if (method !== 'GET') return methodNotAllowed(['GET'], request.requestId);
      errors = { notFound: 'NotFoundException', conflict: 'AlreadyExistsException' };
      const actor = await authenticate(db, req.headers, request);
      return withRequestId(
        await getConfig(actor, url.searchParams.get('warehouse') ?? configWarehouse),
        request.requestId,
      );
    }
    const found = rest.length >= 2 ? match(rest.slice(1)) : null;
    if (!found) {
      throw new IcebergError(
        404,
        'NotFoundException',
        `No such endpoint: ${method} ${url.pathname}. Call GET /v1/config?warehouse=<catalog> for the prefix`,
      );
    }
    const handler = found.route.methods[method];
    if (!handler) return methodNotAllowed(Object.keys(found.route.methods), request.requestId);
    errors = errorsFor(found.route, method);
    const actor = await authenticate(db, req.headers, request);
    const ctx = await catalogContext(actor, rest[0], addressedBy(found.route, found.params), {
      read: method === 'GET' || method === 'HEAD',
    });
    const key = req.headers.get('idempotency-key');
    if (key !== null && (method === 'POST' || method === 'DELETE') && found.route.path.at(-1) !== 'metrics') {
      // The answer replayed to a retry is the one sent, errors included (lib/iceberg/idempotency.ts).
      const ctxErrors = errors;
      const run = () =>
        handler(ctx, found.params, req, url).catch((err) =>
          errorResponse(toIcebergError(err, ctxErrors, request.requestId), request.requestId),
        );
      return withRequestId(
        await withIdempotencyKey(ctx, key, req, url, { maxBodyBytes: MAX_BODY_BYTES, run }),
        request.requestId,
      );
    }
    const res = await handler(ctx, found.params, req, url);
    return withRequestId(res, request.requestId);
  } catch (err) {
    const e = toIcebergError(err, errors, request.requestId);
    if (e.type === 'CommitFailedException') appMetrics().icebergCommitConflicts.inc();
    if (method === 'HEAD')
      return new Response(null, { status: e.status, headers: { 'X-Request-Id': request.requestId } });
    return errorResponse(e, request.requestId);
  }
}

/**
 * The paths clients produce when configured with the catalog in the URI (`uri=<server>/v1/<catalog>`, as the
 * reference system documents for PyIceberg): `/v1/<catalog>/v1/config`, `/v1/<catalog>/v1/<prefix>/…`, and the
 * catalog-scoped `/v1/<catalog>/config` and `/v1/<catalog>/oauth/tokens`. Each becomes the standard path; the
 * config call then defaults its warehouse to that catalog.
 */
function normalisePrefix(rest: string[]): { rest: string[]; configWarehouse: string | null } {
  let configWarehouse: string | null = null;
  if (rest.length >= 3 && rest[1] === 'v1') {
    // The prefix after the second v1 is the one the config call answered: it decides (and is authorized) as usual.
    const outer = rest[0];
    rest = rest.slice(2);
    if (rest.length === 1 && rest[0] === 'config') configWarehouse = outer;
  }
  if (rest.length === 2 && rest[1] === 'config') {
    configWarehouse = rest[0];
    rest = ['config'];
  }
  if (rest.length === 3 && rest[1] === 'oauth' && rest[2] === 'tokens') rest = ['oauth', 'tokens'];
  return { rest, configWarehouse };
}

/** For table and view routes, what the path addresses (read together with the catalog); null if unparsable. */
function addressedBy(route: Route, params: string[]): Addressed | null {
  if (route.path.length < 4 || (route.path[2] !== 'tables' && route.path[2] !== 'views')) return null;
  try {
    const r = assetRef(params[0], params[1]);
    return { branch: r.branch, path: r.path, name: r.name };
  } catch {
    return null;
  }
}

function methodNotAllowed(allowed: string[], requestId: string): Response {
  const e = new IcebergError(405, 'BadRequestException', `Method not allowed; use ${allowed.join(', ')}`);
  const res = errorResponse(e, requestId);
  res.headers.set('Allow', allowed.join(', '));
  return res;
}
