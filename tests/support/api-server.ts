// A loopback HTTP server in front of the real /api/v1 route handlers, for clients that must be driven as users drive
// them (the pangolin CLI, spawned). It is not `next start`: no Next router, proxy (CSP) or static files; requests
// reach the same exported handlers Next would call, with the socket peer set as scripts/server.mjs sets it. Every
// success answer is checked against the schema the OpenAPI document shows for its operation.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { findOperation, successSchema } from '@/lib/openapi';
import { apiDocument } from '@/lib/ops/api-document';
import { discoverRoutes, type DiscoveredRoute } from './routes';

type Match = { route: DiscoveredRoute; params: Record<string, string> };

function matchRoute(routes: DiscoveredRoute[], pathname: string): Match | null {
  const parts = pathname.split('/').filter(Boolean);
  let best: { m: Match; score: string } | null = null;
  for (const route of routes) {
    const pattern = route.pattern.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let score = '';
    let ok = true;
    for (const [i, seg] of pattern.entries()) {
      if (seg.startsWith('[')) {
        params[seg.slice(1, -1)] = decodeURIComponent(parts[i]);
        score += '0';
      } else if (seg === parts[i]) score += '1';
      else {
        ok = false;
        break;
      }
    }
    // Static segments win over dynamic ones (/users/me before /users/[id]), as in Next's router.
    if (ok && (!best || score > best.score)) best = { m: { route, params }, score };
  }
  return best?.m ?? null;
}

export type ApiServer = {
  url: string;
  /** Answers that did not match their documented success schema (should stay empty). */
  undocumented: string[];
  /** Operations the clients reached, as "METHOD /api/v1/path/{param}". */
  reached: Set<string>;
  close: () => Promise<void>;
};

export async function startApiServer(): Promise<ApiServer> {
  apiDocument();
  const routes = discoverRoutes('api/v1');
  const undocumented: string[] = [];
  const reached = new Set<string>();
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const match = matchRoute(routes, url.pathname);
      const method = (req.method ?? 'GET').toUpperCase() as 'GET';
      const handler = match && (await match.route.load())[method];
      if (!match || !handler) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'not_found', message: `No route for ${method} ${url.pathname}` } }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      headers.set('x-pangolin-peer', req.socket.remoteAddress ?? '');
      const nextReq = new NextRequest(url, {
        method,
        headers,
        body: method === 'GET' || chunks.length === 0 ? undefined : Buffer.concat(chunks),
      });
      const answer = await handler(nextReq, { params: Promise.resolve(match.params) });
      const body = Buffer.from(await answer.arrayBuffer());
      const opPath = match.route.pattern.replace(/\[(\w+)\]/g, '{$1}');
      reached.add(`${method} ${opPath}`);
      const op = findOperation(method, opPath);
      if (answer.ok) {
        const schema = op && successSchema(op, answer.status);
        if (!schema) undocumented.push(`${method} ${opPath}: status ${answer.status} is not in the document`);
        else if (answer.headers.get('content-type')?.includes('application/json')) {
          const checked = schema.safeParse(JSON.parse(body.toString('utf8')));
          if (!checked.success) undocumented.push(`${method} ${opPath} ${answer.status}: ${checked.error.message}`);
        }
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => (out[k] = v));
      delete out['content-length'];
      delete out['content-encoding'];
      res.writeHead(answer.status, out);
      res.end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String((err as Error)?.stack ?? err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    undocumented,
    reached,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
