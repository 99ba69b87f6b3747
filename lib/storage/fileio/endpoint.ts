import { lookup as dnsLookup } from 'node:dns/promises';
import { addressAllowed, assertEgressUrl, EGRESS_MESSAGES } from '../../egress';
import { IcebergError } from '../errors';
import type { WarehouseStorage } from './types';

const denied = (w: WarehouseStorage) =>
  new IcebergError(403, 'ForbiddenException', `The endpoint of warehouse "${w.name}" is ${EGRESS_MESSAGES.denied}`);

/** A warehouse endpoint outside the egress policy is refused before any client is built. */
export function checkEndpoint(w: WarehouseStorage, endpoint: string) {
  try {
    assertEgressUrl(endpoint);
  } catch {
    throw denied(w);
  }
}

/**
 * The endpoint checked, and its name resolved now with every address checked: for SDKs that take no agent
 * (Azure, GCS), whose sockets then resolve the name again themselves.
 */
export async function checkResolvedEndpoint(w: WarehouseStorage, endpoint: string) {
  checkEndpoint(w, endpoint);
  const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  const addrs = await dnsLookup(host, { all: true }).catch(() => []);
  if (addrs.some((a) => !addressAllowed(a.address, host))) throw denied(w);
}
