// The API's direct path (used by scripts/server.mjs): `/api/v1/…` and the Iceberg `/v1/…` are answered by their route
// handlers, called straight from the build's route modules, instead of through Next's router, its per-route entry
// (request preparation, response cache, tracing) and its web adapters. Those layers serve pages; for a JSON API whose
// handlers read only the Web `Request` they cost more CPU than the handler itself (bench/README.md, bench:load).
//
// What the handlers see is what Next gives them: a `Request` whose URL is built the way Next builds it (the server's
// own host and port, https when X-Forwarded-Proto says so), `{ params }` matched and decoded by Next's own route
// matchers, over the same routes and in the same order, from the build's manifests; the answer carries the headers
// next.config.js sets for every path. The handler modules are the ones Next loads (the same files through the same
// `require`), so pages and API share one set of module instances (pool, caches, metrics).
//
// Anything this path does not answer exactly as Next would goes to Next instead (`false`): another path, a method
// the route does not export (Next answers 405, or implements HEAD and OPTIONS itself), a path Next would redirect
// (a trailing slash, repeated slashes or backslashes), and a client that would get a compressed answer (Next
// compresses; server.mjs turns that off for loopback and proxied API requests, which are the ones served here).
//
// Not here: Next's request-scoped stores (`headers()`, `cookies()`, `after()`, `revalidatePath`). No API handler
// calls the first three (tests/server/direct-api.test.ts reads the build for it); API changes revalidate through
// `revalidateAfterApiChange` (lib/mutation.ts), which calls `revalidatePath` only inside Next's request: outside
// it no console page is cached that it could mark stale.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { getRouteRegex } = require('next/dist/shared/lib/router/utils/route-regex');
const { getRouteMatcher } = require('next/dist/shared/lib/router/utils/route-matcher');
const { getSortedRoutes } = require('next/dist/shared/lib/router/utils/sorted-routes');
const { isDynamicRoute } = require('next/dist/shared/lib/router/utils/is-dynamic');
const { formatHostname } = require('next/dist/server/lib/format-hostname');
const { pipeToNodeResponse } = require('next/dist/server/pipe-readable');

const PREFIXES = ['/api/v1/', '/v1/'];

/**
 * The direct path for the build in `distDir`, served as `http(s)://<hostname>:<port>`: a function that answers a
 * request and resolves true, or resolves false without touching it (Next answers it then).
 */
export function directApi({ distDir, hostname, port }) {
  const serverDir = path.resolve(distDir, 'server');
  const appPaths = JSON.parse(readFileSync(path.join(serverDir, 'app-paths-manifest.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(path.resolve(distDir, 'routes-manifest.json'), 'utf8'));
  if (manifest.basePath || manifest.i18n || hasRewrites(manifest.rewrites)) {
    // Next would rewrite or prefix paths first: leave every request to it.
    return async () => false;
  }
  const files = new Map();
  for (const [entry, file] of Object.entries(appPaths)) {
    if (!entry.endsWith('/route')) continue;
    const page = entry.slice(0, -'/route'.length);
    if (PREFIXES.some((p) => page.startsWith(p))) files.set(page, path.join(serverDir, file));
  }
  const statics = new Map();
  const dynamics = [];
  for (const page of getSortedRoutes([...files.keys()])) {
    const route = { page, file: files.get(page), module: null };
    if (isDynamicRoute(page)) dynamics.push({ route, match: getRouteMatcher(getRouteRegex(page)) });
    else statics.set(page, route);
  }
  // next.config.js headers(): those whose source matches the path (none has conditions here; with one, Next answers).
  if ((manifest.headers ?? []).some((h) => h.has || h.missing)) return async () => false;
  const headerRules = (manifest.headers ?? []).map((h) => ({ re: new RegExp(h.regex), headers: h.headers }));
  const origin = (proto) => `${proto}://${formatHostname(hostname || 'localhost')}:${port}`;

  /** The route and params of a path, or null (no API route, or one Next would answer otherwise). */
  function resolve(pathname) {
    if (!PREFIXES.some((p) => pathname.startsWith(p))) return null;
    if (pathname.endsWith('/') || /\/\/|\\/.test(pathname)) return null;
    const route = statics.get(pathname);
    if (route) return { route, params: {} };
    for (const d of dynamics) {
      let params;
      try {
        params = d.match(pathname);
      } catch {
        return null; // server.mjs refuses a path that does not decode before this
      }
      if (params) return { route: d.route, params };
    }
    return null;
  }

  /** Answers the request for `pathname` (req.url without its query, as server.mjs read it) or resolves false. */
  return async function serve(req, res, pathname) {
    const found = resolve(pathname);
    if (!found) return false;
    // Next compresses answers; server.mjs removed Accept-Encoding where it should not (loopback, proxied API calls).
    if (req.headers['accept-encoding']) return false;
    const method = req.method ?? 'GET';
    const handler = (await handlers(found.route))[method];
    if (typeof handler !== 'function') return false;

    const proto = String(req.headers['x-forwarded-proto'] ?? '').includes('https') ? 'https' : 'http';
    // Headers as Next gives them (it reads req.headers too: server.mjs's own, the peer and the request id, are set there).
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(origin(proto) + (req.url ?? '/'), {
      method,
      headers,
      ...(hasBody && { body: bodyStream(req), duplex: 'half' }),
    });
    // A body the handler did not read to its end (refused first, or by its declared length) is discarded once
    // the answer is out, so the connection can carry the client's next request.
    if (hasBody) res.once('finish', () => discardRest(req));
    const response = await handler(request, { params: Promise.resolve(found.params) });
    await send(req, res, response, pathname);
    return true;
  };

  async function handlers(route) {
    if (!route.module) {
      const { routeModule } = require(route.file);
      await routeModule.ensureUserland();
      route.module = routeModule;
    }
    return route.module.userland;
  }

  async function send(req, res, response, pathname) {
    res.statusCode = response.status;
    for (const rule of headerRules) {
      if (rule.re.test(pathname)) for (const h of rule.headers) res.setHeader(h.key, h.value);
    }
    for (const [name, value] of response.headers) {
      if (name === 'set-cookie' || name === 'content-length' || name === 'transfer-encoding') continue;
      res.setHeader(name, value);
    }
    const cookies = response.headers.getSetCookie();
    if (cookies.length) res.setHeader('set-cookie', cookies);
    if (!response.body || req.method === 'HEAD') {
      res.end();
      return;
    }
    // A JSON answer is read whole and written at once; anything else (exports, files) streams, cancelled when the
    // client goes away.
    if ((response.headers.get('content-type') ?? '').startsWith('application/json')) {
      const body = Buffer.from(await response.arrayBuffer());
      res.setHeader('content-length', body.length);
      res.end(body);
      return;
    }
    await pipeToNodeResponse(response.body, res);
  }
}

const hasRewrites = (r) =>
  Array.isArray(r) ? r.length > 0 : !!r && ['beforeFiles', 'afterFiles', 'fallback'].some((k) => r[k]?.length);

/**
 * The request body as a web stream, read as the handler pulls it. What a handler leaves unread (it cancels the
 * stream at its cap, or refuses before reading) is read and discarded, so the connection stays usable, as with
 * Next. (Readable.toWeb would destroy the socket, and the client's next request on it would fail.)
 */
function bodyStream(req) {
  return new ReadableStream({
    start(controller) {
      req.on('data', (chunk) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.once('end', () => controller.close());
      req.once('error', (err) => controller.error(err));
    },
    pull() {
      req.resume();
    },
    cancel() {
      discardRest(req);
    },
  });
}

function discardRest(req) {
  if (req.complete) return;
  req.removeAllListeners('data');
  req.resume();
}
