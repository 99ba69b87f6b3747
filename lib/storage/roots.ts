import os from 'node:os';
import path from 'node:path';

/**
 * Where local warehouses may keep files: one directory the operator sets (PANGOLIN_LOCAL_STORAGE_ROOT, default
 * `<PANGOLIN_DATA_DIR>/warehouses`), a folder per tenant under it (named by tenant id), and each local warehouse
 * a folder inside its tenant's. Nothing a tenant types can name a path outside its own folder.
 */
export function localStorageRoot(): string {
  const set = process.env.PANGOLIN_LOCAL_STORAGE_ROOT?.trim();
  if (set) return path.resolve(set);
  const data = process.env.PANGOLIN_DATA_DIR?.trim() || '.data';
  return data.startsWith('memory://')
    ? path.join(os.tmpdir(), 'pangolin-memory-warehouses')
    : path.resolve(data, 'warehouses');
}

/** The tenant's own folder under the storage root. */
export const tenantStorageDir = (tenantId: string) => path.join(localStorageRoot(), tenantId);

const UNSAFE = /[\\\u0000-\u001f\u007f]/;

/** Why a local warehouse's root path is not a folder inside the tenant's own, or null when it is. */
export function rootPathProblem(rootPath: string): string | null {
  if (rootPath.startsWith('/') || /^[a-zA-Z]:/.test(rootPath) || /^[a-z][a-z0-9+.-]*:/i.test(rootPath)) {
    return "Root path must be a folder inside this tenant's storage folder (relative, such as lake/raw), not an absolute path";
  }
  if (UNSAFE.test(rootPath)) return 'Root path must not contain a backslash or control characters';
  const segments = rootPath.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return 'Root path must not contain ".." segments';
  if (!segments.length) return 'Root path must name a folder, such as lake';
  return null;
}

/** The absolute folder of a local warehouse, or null when its root path is not a valid relative path. */
export function localWarehouseRoot(tenantId: string, rootPath: unknown): string | null {
  if (typeof rootPath !== 'string' || rootPath.trim() === '' || rootPathProblem(rootPath)) return null;
  const dir = tenantStorageDir(tenantId);
  const full = path.resolve(dir, rootPath);
  return full.startsWith(dir + path.sep) ? full : null;
}

/**
 * PANGOLIN_ALLOW_SHARED_STORAGE=true lets tenants' object-store warehouses use the same bucket or container
 * (off by default, as Apache Polaris refuses overlapping locations): only for a deployment whose tenants trust
 * each other with their files, since they can then reach each other's objects.
 */
export const sharedStorageAllowed = () => process.env.PANGOLIN_ALLOW_SHARED_STORAGE?.trim().toLowerCase() === 'true';

/** True when `p` is `root` or inside it (both absolute, normalised). */
export const isWithin = (p: string, root: string) =>
  p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
