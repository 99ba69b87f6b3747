import { constants } from 'node:fs';
import { lstat, mkdir, open, opendir, realpath, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isWithin } from '../roots';
import { IcebergError } from '../errors';
import { alreadyWritten, folderBase, missingFile, type FileIO, type ListedFile } from './types';

export const LOCAL = /^(file:|\/)/;

/** A local path for `file:///a/b`, `file:/a/b` (Hadoop style) or `/a/b`; null for other schemes. */
export function localPath(location: string): string | null {
  if (!LOCAL.test(location)) return null;
  try {
    if (location.startsWith('file://')) return path.resolve(fileURLToPath(location));
    if (location.startsWith('file:')) return path.resolve(decodeURIComponent(location.slice('file:'.length)));
  } catch {
    return null;
  }
  return path.resolve(location);
}

/** One answer for every location outside the roots, whether or not such a file exists: nothing is learned. */
const outside = () => new IcebergError(403, 'ForbiddenException', "Location is outside the catalog's storage");

const code = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * The roots' real paths, resolved once per process (a merge of 1,000 tables checks some 20,000 locations under one
 * root). A root is the operator's folder or a tenant's inside it; should it become a link later, the stale answer only
 * refuses more (each path's own real path is still resolved afresh and must lie inside the root as it was), never less.
 */
const realRoots = new Map<string, string>();
async function realRoot(root: string): Promise<string | null> {
  const known = realRoots.get(root);
  if (known) return known;
  const real = await realpath(root).catch(() => null);
  if (real) {
    if (realRoots.size >= 10_000) realRoots.clear();
    realRoots.set(root, real);
  }
  return real;
}

/**
 * Local filesystem FileIO confined to the catalog's storage roots (its local warehouse's folder inside the
 * tenant's folder under the operator's storage root): a client choosing a table location (create, set-location,
 * register) can never make the server read or write outside them. The check is made on real paths (symlinks
 * resolved) before any read, and files are opened with O_NOFOLLOW, so a link inside a root leads nowhere.
 */
export class LocalFileIO implements FileIO {
  private readonly roots: string[];

  constructor(roots: string[]) {
    this.roots = roots.map((r) => localPath(r)).filter((r): r is string => !!r);
  }

  /** Lexical check: the normalised path lies inside a root. */
  private lexical(location: string): { p: string; root: string } {
    const p = localPath(location);
    if (!p) throw outside();
    const root = this.roots.find((r) => isWithin(p, r) && p !== r);
    if (!root) throw outside();
    return { p, root };
  }

  /** Real-path check: the deepest existing ancestor of the path, links resolved, is still inside the root. */
  private async resolve(location: string): Promise<string> {
    const { p, root } = this.lexical(location);
    const realRootPath = await realRoot(root);
    if (!realRootPath) return p; // nothing exists under the root yet: there is no link to follow
    let probe = path.dirname(p);
    for (;;) {
      try {
        const real = await realpath(probe);
        if (!isWithin(real, realRootPath)) throw outside();
        return path.join(real, path.relative(probe, p));
      } catch (err) {
        if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') throw err;
        if (probe === root || !isWithin(probe, root)) return p;
        probe = path.dirname(probe);
      }
    }
  }

  check(location: string): void {
    this.lexical(location);
  }

  async read(location: string): Promise<string> {
    return this.withFile(location, (fh) => fh.readFile('utf8'));
  }

  /** Opens the file read-only, without following a link, inside the roots; missing answers 404, a link 403. */
  private async withFile<T>(location: string, fn: (fh: FileHandle) => Promise<T>) {
    const p = await this.resolve(location);
    try {
      const fh = await open(p, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        return await fn(fh);
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') throw missingFile(location);
      if (code(err) === 'ELOOP' || code(err) === 'EISDIR') throw outside();
      throw err;
    }
  }

  async size(location: string): Promise<number> {
    return this.withFile(location, async (fh) => (await fh.stat()).size);
  }

  async readRange(location: string, start: number, end: number): Promise<Uint8Array> {
    return this.withFile(location, async (fh) => {
      const buf = Buffer.alloc(Math.max(0, end - start));
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
    });
  }

  async writeNew(location: string, content: string | Uint8Array): Promise<void> {
    // Checked on real paths first: the folders still to be made are new, so making them follows no link.
    const real = await this.resolve(location);
    await mkdir(path.dirname(real), { recursive: true });
    try {
      const fh = await open(
        real,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o644,
      );
      try {
        await fh.writeFile(content, typeof content === 'string' ? 'utf8' : undefined);
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (code(err) === 'EEXIST') throw alreadyWritten(location);
      if (code(err) === 'ELOOP') throw outside();
      throw err;
    }
  }

  /** A walk of the folder (checked on real paths first); links are not followed, so nothing outside is listed. */
  async *list(folder: string): AsyncIterable<ListedFile> {
    const base = folderBase(folder);
    const start = await this.resolve(base);
    const walk = async function* (dir: string, uri: string): AsyncGenerator<ListedFile> {
      let entries;
      try {
        entries = await opendir(dir);
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return;
        throw err;
      }
      for await (const e of entries) {
        const full = path.join(dir, e.name);
        const child = `${uri}/${e.name}`;
        if (e.isDirectory()) yield* walk(full, child);
        else if (e.isFile()) {
          const st = await lstat(full).catch(() => null);
          if (st?.isFile()) yield { location: child, bytes: st.size, mtime: st.mtimeMs };
        }
      }
    };
    yield* walk(start, base);
  }

  async delete(location: string): Promise<boolean> {
    try {
      // unlink removes a link itself, never its target; the parent folder was checked on real paths.
      await unlink(await this.resolve(location));
      return true;
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return false;
      throw err;
    }
  }
}
