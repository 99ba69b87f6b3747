import type { NextRequest } from 'next/server';
import { readJson } from '../api';

/** Common list parameters of the governance API: ?q=&sort=&dir=asc|desc&cursor=&limit= */
export function listParams(url: URL) {
  const p = url.searchParams;
  const limit = Number(p.get('limit') ?? 50);
  return {
    q: p.get('q') ?? undefined,
    sort: p.get('sort') ?? undefined,
    desc: p.get('dir') === 'desc',
    cursor: p.get('cursor'),
    limit: Number.isInteger(limit) && limit >= 1 && limit <= 500 ? limit : 50,
  };
}

/** JSON body merged with the ids from the path (the path wins, so a body cannot retarget a call). */
export async function bodyWith(req: NextRequest, ids: Record<string, string>): Promise<Record<string, unknown>> {
  const body = await readJson(req);
  return { ...(body && typeof body === 'object' && !Array.isArray(body) ? body : {}), ...ids };
}
