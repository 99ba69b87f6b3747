import { randomUUID, timingSafeEqual } from 'node:crypto';

import { BlockList, isIP } from 'node:net';

type HeaderSource = { get(name: string): string | null };

/**
 * The socket peer's address, set by the server `npm start` runs (scripts/server.mjs) on every request after
 * dropping whatever a client sent under this name. Without it (next dev, in-process tests) the address is unknown.
 */
export const PEER_HEADER = 'x-pangolin-peer';
/** Set (to 1) by scripts/server.mjs when the request came with X-Forwarded-For, Forwarded or X-Real-IP. */
export const FORWARDED_HEADER = 'x-pangolin-forwarded';

/** An IP address as written in a header (IPv4-mapped IPv6 as IPv4), or null when it is not one. */
function ipOf(raw: string | null | undefined): string | null {
  const v = raw?.trim().replace(/^\[|\]$/g, '') ?? '';
  const plain = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(v)?.[1] ?? v;
  return isIP(plain) ? plain : null;
}

let proxies: { raw: string; list: BlockList | null } | null = null;

/** PANGOLIN_TRUSTED_PROXIES: addresses or CIDRs (comma-separated) of the proxies whose X-Forwarded-For is believed. */
export function trustedProxies(): BlockList | null {
  const raw = process.env.PANGOLIN_TRUSTED_PROXIES?.trim() ?? '';
  if (proxies?.raw === raw) return proxies.list;
  let list: BlockList | null = null;
  for (const entry of raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [addr, bits] = entry.split('/');
    const ip = ipOf(addr);
    const family = ip && isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (!ip) throw new Error(`PANGOLIN_TRUSTED_PROXIES: "${entry}" is not an address or CIDR`);
    list ??= new BlockList();
    if (bits === undefined) list.addAddress(ip, family);
    else {
      const n = Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > (family === 'ipv6' ? 128 : 32))
        throw new Error(`PANGOLIN_TRUSTED_PROXIES: "${entry}" has a bad prefix length`);
      list.addSubnet(ip, n, family);
    }
  }
  proxies = { raw, list };
  return list;
}

const trusted = (list: BlockList, ip: string) => list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');

/**
 * The client's address: the socket peer, unless the peer is a proxy the operator trusts; then X-Forwarded-For is
 * walked from the right (the hop the trusted proxy saw) past trusted proxies to the first address that is not one.
 * A client-supplied X-Forwarded-For is never believed on its own.
 */
export function clientAddress(headers: HeaderSource): string | null {
  const peer = ipOf(headers.get(PEER_HEADER));
  if (!peer) return null;
  const list = trustedProxies();
  if (!list || !trusted(list, peer)) return peer;
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  let nearest = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = ipOf(hops[i]);
    if (!hop) return nearest;
    if (!trusted(list, hop)) return hop;
    nearest = hop;
  }
  return nearest;
}

/** Client address, user agent and a request id (propagated from X-Request-Id when a proxy set one). */
export function requestInfoFrom(headers: HeaderSource) {
  const requestId = headers.get('x-request-id');
  return {
    ip: clientAddress(headers),
    userAgent: headers.get('user-agent'),
    requestId: requestId && /^[\w.-]{1,100}$/.test(requestId) ? requestId : randomUUID(),
  };
}

/**
 * Every API answer names its request (the id the audit row and the logs carry). The proxy that sets it for
 * pages does not run for /api/v1: JSON needs no CSP nonce, and skipping it saves a tenth of each call's CPU.
 */
export function withRequestId(res: Response, requestId: string): Response {
  if (!res.headers.has('X-Request-Id')) {
    try {
      res.headers.set('X-Request-Id', requestId);
    } catch {
      /* immutable headers (a fetched response passed through): leave them */
    }
  }
  return res;
}

/**
 * The address people reach the console at, for text shown to them (connection snippets): the Host they used, and
 * https when a proxy says so. Display only: never used to decide anything.
 */
export function displayedOrigin(h: HeaderSource): string {
  const first = (v: string | null) => v?.split(',')[0]?.trim() || null;
  const proto = first(h.get('x-forwarded-proto')) === 'https' ? 'https' : 'http';
  const host = (first(h.get('x-forwarded-host')) ?? h.get('host') ?? 'localhost:3000').replace(
    /[^A-Za-z0-9.:[\]-]/g,
    '',
  );
  return `${proto}://${host}`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read /metrics: a scraper on this machine talking to the server directly (a loopback socket peer, and
 * scripts/server.mjs saw no forwarding header: a request a proxy on this machine forwarded is not local), or anyone
 * presenting PANGOLIN_METRICS_TOKEN as a bearer token.
 */
export function mayReadMetrics(headers: { get(name: string): string | null }): boolean {
  const token = process.env.PANGOLIN_METRICS_TOKEN;
  const auth = headers.get('authorization');
  if (token && auth?.startsWith('Bearer ')) {
    const given = Buffer.from(auth.slice(7));
    const wanted = Buffer.from(token);
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) return true;
  }
  const peer = headers.get(PEER_HEADER);
  return !!peer && LOOPBACK.test(peer) && headers.get(FORWARDED_HEADER) === null;
}
