import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * The egress policy: every connection the server makes to an address a user typed (federated catalogs, warehouse
 * endpoints) goes only where this allows. Loopback, link-local (cloud metadata at 169.254.169.254 included), private,
 * unique-local, carrier-grade NAT, multicast and reserved addresses are refused unless the operator allows them:
 * PANGOLIN_EGRESS_ALLOW (hosts, addresses or CIDRs, comma-separated) and PANGOLIN_EGRESS_ALLOW_PRIVATE=true (private
 * and unique-local ranges, for a deployment inside a private network). The host is resolved once and the connection
 * is made to the address that was checked (no DNS rebinding); redirects are never followed. Refusals and failures
 * read the same fixed sentences, never the remote's own text.
 */
export const EGRESS_MESSAGES = {
  denied: "not allowed by the server's egress policy",
  unreachable: 'not reachable',
  refused: 'the remote refused',
} as const;

export class EgressError extends Error {
  constructor(readonly reason: keyof typeof EGRESS_MESSAGES) {
    super(EGRESS_MESSAGES[reason]);
    this.name = 'EgressError';
  }
}

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
  ['100::', 64],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');
const privateRanges = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
] as const)
  privateRanges.addSubnet(net, bits, 'ipv4');
privateRanges.addSubnet('fc00::', 7, 'ipv6');

type Allow = { raw: string; hosts: Set<string>; nets: BlockList; privateOk: boolean };
let cached: Allow | null = null;

function allowList(): Allow {
  const raw = `${process.env.PANGOLIN_EGRESS_ALLOW ?? ''}|${process.env.PANGOLIN_EGRESS_ALLOW_PRIVATE ?? ''}`;
  if (cached?.raw === raw) return cached;
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const entry of (process.env.PANGOLIN_EGRESS_ALLOW ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr);
    if (!family) {
      hosts.add(entry.toLowerCase());
      continue;
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) nets.addAddress(addr, type);
    else nets.addSubnet(addr, Number(bits), type);
  }
  cached = { raw, hosts, nets, privateOk: process.env.PANGOLIN_EGRESS_ALLOW_PRIVATE?.trim().toLowerCase() === 'true' };
  return cached;
}

/** An IPv4-mapped IPv6 address (::ffff:127.0.0.1) is judged as the IPv4 address it is. */
function unmapped(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (!m) return ip;
  if (m.length === 2) return m[1];
  const n = (parseInt(m[1], 16) << 16) | parseInt(m[2], 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Whether the server may connect to this address (for a host the operator named, `host` is that name). */
export function addressAllowed(address: string, host?: string): boolean {
  const a = allowList();
  if (host && a.hosts.has(host.toLowerCase())) return true;
  const ip = unmapped(address.replace(/^\[|\]$/g, ''));
  const family = isIP(ip);
  if (!family) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (a.nets.check(ip, type)) return true;
  if (blocked.check(ip, type)) return false;
  if (privateRanges.check(ip, type)) return a.privateOk;
  if (type === 'ipv6' && /^::ffff:/i.test(ip)) return false;
  return true;
}

/** Checks a URL's host before any connection: an address literal now, a name when it is resolved (egressLookup). */
export function assertEgressUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressError('denied');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressError('denied');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !addressAllowed(host, host)) throw new EgressError('denied');
  if (!isIP(host) && (host === 'localhost' || host.endsWith('.localhost')) && !allowList().hosts.has(host))
    throw new EgressError('denied');
  return url;
}

/**
 * A `lookup` for sockets: resolves the name, keeps only addresses the policy allows, and hands the socket the
 * checked address, so what is connected to is what was checked.
 */
export const egressLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { all: true, family: (options as dns.LookupOptions)?.family ?? 0 }, (err, addresses) => {
    if (err) return (callback as (e: Error | null, a: string, f: number) => void)(err, '', 0);
    const ok = (addresses as dns.LookupAddress[]).filter((x) => addressAllowed(x.address, hostname));
    if (!ok.length || ok.length !== (addresses as dns.LookupAddress[]).length) {
      const e = Object.assign(new EgressError('denied'), { code: 'EGRESS_DENIED' });
      return (callback as (e: Error | null, a: string, f: number) => void)(e, '', 0);
    }
    if ((options as dns.LookupOptions)?.all)
      return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, ok);
    (callback as (e: Error | null, a: string, f: number) => void)(null, ok[0].address, ok[0].family);
  });
};

/** HTTP(S) agents whose sockets resolve through the policy (for SDKs that take an agent). */
export const egressAgents = {
  http: new http.Agent({ keepAlive: true, lookup: egressLookup }),
  https: new https.Agent({ keepAlive: true, lookup: egressLookup }),
};

/** True when an error came from the policy (at any depth of causes). */
export function isEgressDenied(err: unknown): boolean {
  for (
    let e = err as { code?: string; cause?: unknown; name?: string } | undefined, i = 0;
    e && i < 5;
    e = e.cause as typeof e, i++
  ) {
    if ((e instanceof EgressError && e.reason === 'denied') || (e as { code?: string }).code === 'EGRESS_DENIED')
      return true;
  }
  return false;
}

export type EgressResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

/**
 * One HTTP request under the policy: the URL checked, the host resolved once through it, no redirects (a 3xx is
 * returned as is), a timeout and a cap on the answer's size. Failures are EgressErrors with fixed messages.
 */
export function egressRequest(
  raw: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs: number; maxBytes?: number },
): Promise<EgressResponse> {
  const url = assertEgressUrl(raw);
  const maxBytes = init.maxBytes ?? 5_000_000;
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(
      url,
      {
        method: init.method ?? 'GET',
        headers: init.headers,
        lookup: egressLookup,
        agent: false,
        timeout: init.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new EgressError('refused'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', () => reject(new EgressError('unreachable')));
      },
    );
    req.on('timeout', () => req.destroy(new EgressError('unreachable')));
    req.on('error', (err) =>
      reject(
        isEgressDenied(err)
          ? new EgressError('denied')
          : err instanceof EgressError
            ? err
            : new EgressError('unreachable'),
      ),
    );
    if (init.body) req.write(init.body);
    req.end();
  });
}
