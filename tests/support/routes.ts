import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';

export type RouteModule = Partial<
  Record<
    'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD',
    (req: NextRequest, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>
  >
>;
export type DiscoveredRoute = { file: string; pattern: string; params: string[]; load: () => Promise<RouteModule> };

const root = path.resolve(import.meta.dirname, '../..');

/** Every route handler under the given app folders, found on disk so new routes are covered automatically. */
export function discoverRoutes(...folders: string[]): DiscoveredRoute[] {
  const out: DiscoveredRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry === 'route.ts') {
        const rel = path.relative(path.join(root, 'app'), path.dirname(full));
        const segments = rel.split(path.sep).filter((s) => !/^\(.*\)$/.test(s));
        out.push({
          file: path.relative(root, full),
          pattern: `/${segments.join('/')}`,
          params: segments.filter((s) => s.startsWith('[')).map((s) => s.replace(/^\[+(\.\.\.)?|\]+$/g, '')),
          load: () => import(/* @vite-ignore */ full) as Promise<RouteModule>,
        });
      }
    }
  };
  for (const f of folders) {
    const dir = path.join(root, 'app', f);
    try {
      statSync(dir);
    } catch {
      continue;
    }
    walk(dir);
  }
  return out.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** Fills [param] segments; catch-all params receive a list. */
export function urlFor(
  route: DiscoveredRoute,
  values: Record<string, string>,
): { url: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const p = route.pattern.replace(/\[\[?(\.\.\.)?([^\]]+)\]\]?/g, (_m, rest, name) => {
    const v = values[name] ?? 'x';
    if (!rest) {
      params[name] = v;
      return encodeURIComponent(v);
    }
    // A catch-all takes a slash-separated path: each segment is one element.
    const parts = v.split('/');
    params[name] = parts;
    return parts.map(encodeURIComponent).join('/');
  });
  return { url: `http://localhost${p}`, params };
}

export async function call(
  route: DiscoveredRoute,
  method: keyof RouteModule,
  values: Record<string, string>,
  init: { headers?: Record<string, string>; body?: string } = {},
) {
  const mod = await route.load();
  const handler = mod[method];
  if (!handler) return null;
  const { url, params } = urlFor(route, values);
  const req = new NextRequest(url, {
    method,
    headers: { 'content-type': 'application/json', ...init.headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : init.body,
  });
  const res = await handler(req, { params: Promise.resolve(params) });
  const text = res.status === 204 || method === 'HEAD' ? '' : await res.text();
  return { status: res.status, text, headers: res.headers };
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
