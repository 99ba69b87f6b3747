import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergError } from '../errors';
import { alreadyWritten, missingFile, type FileIO } from './types';

export const LOCAL = /^(file:|\/)/;

/** A local path for `file:///a/b`, `file:/a/b` (Hadoop style) or `/a/b`; null for other schemes. */
export function localPath(location: string): string | null {
  if (!LOCAL.test(location)) return null;
  if (location.startsWith('file://')) return path.resolve(fileURLToPath(location));
  if (location.startsWith('file:')) return path.resolve(decodeURIComponent(location.slice('file:'.length)));
  return path.resolve(location);
}

const within = (p: string, root: string) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/**
 * Local filesystem FileIO confined to the catalog's storage roots: a client choosing a table location
 * (create, set-location, register) can never make the server read or write outside them.
 */
export class LocalFileIO implements FileIO {
  private readonly roots: string[];

  constructor(roots: string[]) {
    this.roots = roots.map((r) => localPath(r)).filter((r): r is string => !!r);
  }

  resolve(location: string): string {
    const p = localPath(location);
    if (!p) throw new IcebergError(400, 'BadRequestException', `Not a local location: ${location}`);
    if (!this.roots.some((r) => within(p, r))) {
      throw new IcebergError(403, 'ForbiddenException', `Location ${location} is outside the catalog's storage location${this.roots.length ? ` (${this.roots.map((r) => `file://${r}`).join(', ')})` : ''}`);
    }
    return p;
  }

  check(location: string): void {
    this.resolve(location);
  }

  async read(location: string): Promise<string> {
    try {
      return await readFile(this.resolve(location), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missingFile(location);
      throw err;
    }
  }

  async writeNew(location: string, content: string): Promise<void> {
    const p = this.resolve(location);
    await mkdir(path.dirname(p), { recursive: true });
    try {
      await writeFile(p, content, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyWritten(location);
      throw err;
    }
  }

  async delete(location: string): Promise<boolean> {
    try {
      await unlink(this.resolve(location));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
