import { IcebergError } from '../errors';

/** What the caller may do with the table's files: its `read` grant, or `update` (which `write` implies) as well. */
export type Access = 'read' | 'read-write';

/** Where and how long: the table's location (no trailing slash), the access level, the expiry the caller allows. */
export type VendScope = {
  /** The table's location, e.g. s3://bucket/lake/sales/orders. */
  location: string;
  access: Access;
  /** Epoch ms: the vended credentials must not outlive this (the TTL, capped by the caller's own token). */
  notAfter: number;
  /** Who asks, for the cloud's own logs (STS session name, SAS has none). */
  sessionName: string;
};

/** One `storage-credentials` entry of the Iceberg REST spec plus its expiry (null: the store's keys, no expiry). */
export type Vended = { prefix: string; config: Record<string, string>; expiresAt: number | null };

export const vendRefused = (message: string) => new IcebergError(403, 'ForbiddenException', message);

export const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
