#!/usr/bin/env node
// The production server `npm start` runs: Next.js's request handler behind a plain Node HTTP server, so the app
// learns each request's real socket peer. Next itself keeps a client-supplied X-Forwarded-For as it is, so a
// route cannot tell a forged address from a real one; here every request carries the peer in x-pangolin-peer
// (whatever a client sent under that name is dropped first), and lib/request-info.ts believes X-Forwarded-For
// only when that peer is a proxy the operator trusts (PANGOLIN_TRUSTED_PROXIES).
//
// It also owns what only the server sees whole:
// - every request runs with its request id (X-Request-Id when valid, else a new one) in an AsyncLocalStorage that
//   lib/logger.ts reads, so each log line names its request;
// - the HTTP metrics of GET /metrics (lib/metrics.ts shares the registry through globalThis): duration by route
//   pattern (from the build's routes manifest, never the raw path) and status, and requests in flight;
// - graceful shutdown: on SIGTERM or SIGINT it stops accepting connections, reports not-ready
//   (/api/health/ready answers 503; /api/health/live stays 200), lets requests in flight finish within
//   PANGOLIN_SHUTDOWN_GRACE_SECS (default 25), closes the database pool and exits 0.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import pino from 'pino';
import promClient from 'prom-client';
import { directApi } from './direct-api.mjs';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME || undefined;
const distDir = process.env.NEXT_DIST_DIR || '.next';
const graceSecs = Number(process.env.PANGOLIN_SHUTDOWN_GRACE_SECS ?? 25);
if (!Number.isFinite(graceSecs) || graceSecs < 0) {
  console.error(`PANGOLIN_SHUTDOWN_GRACE_SECS=${process.env.PANGOLIN_SHUTDOWN_GRACE_SECS}: a number of seconds ≥ 0`);
  process.exit(2);
}

// What the app shares with this server (the same keys are read in lib/lifecycle.ts, lib/logger.ts, lib/metrics.ts
// and db/client.ts): Next loads the app's modules in this process, but through its own bundles.
const serverState = (globalThis[Symbol.for('pangolin.server')] ??= { draining: false });
const requestContext = (globalThis[Symbol.for('pangolin.requestContext')] ??= new AsyncLocalStorage());
const registry = (globalThis[Symbol.for('pangolin.metrics')] ??= new promClient.Registry());
if (!globalThis[Symbol.for('pangolin.metrics.defaults')]) {
  globalThis[Symbol.for('pangolin.metrics.defaults')] = true;
  promClient.collectDefaultMetrics({ register: registry }); // CPU, memory, event-loop lag, GC, handles
}
const httpDuration = new promClient.Histogram({
  name: 'pangolin_http_request_duration_seconds',
  help: 'HTTP requests by route pattern, method and status, from first byte in to last byte out',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const inFlightGauge = new promClient.Gauge({
  name: 'pangolin_http_requests_in_flight',
  help: 'HTTP requests being answered now',
  registers: [registry],
});
const directCounter = new promClient.Counter({
  name: 'pangolin_http_direct_requests_total',
  help: 'API requests (/api/v1, /v1) answered by their route handlers directly, without Next.js routing',
  registers: [registry],
});
const drainingGauge = new promClient.Gauge({
  name: 'pangolin_server_draining',
  help: '1 while the server shuts down (not ready, finishing requests in flight)',
  registers: [registry],
});

const log = pino({
  messageKey: 'message',
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
  mixin: () => {
    const ctx = requestContext.getStore();
    return ctx ? { requestId: ctx.requestId } : {};
  },
});

/**
 * Route patterns of this build (`/api/v1/catalogs/[id]`), so the metrics' label set stays bounded: a path that
 * matches none is `other`. Next's routes manifest lists static routes and the dynamic ones with their regexes.
 */
function routeMatcher() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(distDir, 'routes-manifest.json'), 'utf8'));
  } catch {
    return () => 'other';
  }
  const statics = new Set((manifest.staticRoutes ?? []).map((r) => r.page));
  const dynamics = (manifest.dynamicRoutes ?? []).map((r) => ({ page: r.page, re: new RegExp(r.regex) }));
  return (pathname) => {
    if (pathname.startsWith('/_next/')) return '/_next';
    if (statics.has(pathname)) return pathname;
    for (const d of dynamics) if (d.re.test(pathname)) return d.page;
    return 'other';
  };
}
const routeOf = routeMatcher();

const app = next({ dev: false, dir: process.cwd(), port, hostname: hostname ?? 'localhost' });
const handle = app.getRequestHandler();
await app.prepare();
// /api/v1 and /v1 go straight to their route handlers (scripts/direct-api.mjs); PANGOLIN_DIRECT_API=0 sends every
// request through Next's router instead.
const direct =
  process.env.PANGOLIN_DIRECT_API === '0' ? null : directApi({ distDir, hostname: hostname ?? 'localhost', port });

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

let inFlight = 0;
let drained = () => undefined;

const server = http.createServer((req, res) => {
  delete req.headers['x-pangolin-peer'];
  req.headers['x-pangolin-peer'] = req.socket.remoteAddress ?? '';
  // Whether a proxy forwarded it (Next adds X-Forwarded-For itself later, so the app cannot tell): /metrics
  // answers a loopback peer only when nothing forwarded the request.
  delete req.headers['x-pangolin-forwarded'];
  const forwarded = !!(req.headers['x-forwarded-for'] || req.headers.forwarded || req.headers['x-real-ip']);
  if (forwarded) req.headers['x-pangolin-forwarded'] = '1';
  // JSON answers go uncompressed to a client on this machine or through a proxy (which compresses for the far end
  // if it should): gzip costs more CPU than the loopback or LAN hop it would save.
  if (
    (forwarded || LOOPBACK.has(req.socket.remoteAddress ?? '')) &&
    (req.url?.startsWith('/api/') || req.url?.startsWith('/v1/'))
  )
    delete req.headers['accept-encoding'];
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = requestId;

  inFlight++;
  inFlightGauge.inc();
  const started = process.hrtime.bigint();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    inFlight--;
    inFlightGauge.dec();
    const pathname = (req.url ?? '/').split('?')[0];
    httpDuration.observe(
      { method: req.method ?? 'GET', route: routeOf(pathname), status: String(res.statusCode) },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    if (serverState.draining) {
      server.closeIdleConnections();
      if (inFlight === 0) drained();
    }
  };
  res.on('finish', finish);
  res.on('close', finish);
  // While draining, a request that came on a kept-alive connection is answered, then its connection closed.
  if (serverState.draining) res.setHeader('Connection', 'close');

  // A path that is not valid percent-encoding is the client's mistake: Next answers it with a 500.
  const pathname = (req.url ?? '/').split('?')[0];
  if (!decodes(pathname)) {
    refuseBadPath(req, res, requestId);
    return;
  }

  requestContext.run({ requestId }, () => {
    (direct ? direct(req, res, pathname) : Promise.resolve(false))
      .then((answered) => (answered ? directCounter.inc() : handle(req, res)))
      .catch((err) => {
        log.error({ err }, 'request failed');
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  });
});
function decodes(pathname) {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function refuseBadPath(req, res, requestId) {
  const message = 'The path is not valid percent-encoding';
  res.statusCode = 400;
  res.setHeader('X-Request-Id', requestId);
  if (req.url?.startsWith('/v1/')) {
    // The Iceberg REST catalog's error model.
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ error: { message, type: 'BadRequestException', code: 400 } }));
  } else if (req.url?.startsWith('/api/')) {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ error: { code: 'bad_request', message } }));
  } else {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end(message);
  }
}

server.listen(port, hostname, () => {
  log.info(`Pangolin Console ready on http://${hostname ?? 'localhost'}:${port}`);
});

async function closeDatabase() {
  const handle = globalThis[Symbol.for('pangolin.db')];
  if (!handle) return;
  await (await handle).close();
}

let shuttingDown = false;
async function shutdown(signal) {
  if (shuttingDown) {
    log.warn(`${signal} again: exiting now with ${inFlight} request(s) unfinished`);
    process.exit(1);
  }
  shuttingDown = true;
  serverState.draining = true;
  drainingGauge.set(1);
  log.info(`${signal}: draining ${inFlight} request(s) in flight (up to ${graceSecs}s), accepting no new connections`);
  server.close();
  server.closeIdleConnections();
  const allDone = inFlight === 0 ? Promise.resolve(true) : new Promise((resolve) => (drained = () => resolve(true)));
  const timeout = new Promise((resolve) => setTimeout(() => resolve(false), graceSecs * 1000).unref());
  if (!(await Promise.race([allDone, timeout]))) {
    log.warn(`shutdown grace of ${graceSecs}s over: closing ${inFlight} unfinished request(s)`);
    server.closeAllConnections();
  }
  // pool.end() waits for connections still checked out (a request cut off above may hold one): not forever.
  const poolClosed = closeDatabase().then(
    () => true,
    (err) => (log.warn({ err }, 'closing the database pool failed'), true),
  );
  const poolTimeout = new Promise((resolve) => setTimeout(() => resolve(false), 5000).unref());
  if (!(await Promise.race([poolClosed, poolTimeout])))
    log.warn('the database pool did not close within 5s: exiting with connections still open');
  log.info('stopped');
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void shutdown(sig));
