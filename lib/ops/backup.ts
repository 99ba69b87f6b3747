import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  findTool,
  libpqEnv,
  OpsError,
  requireSameMajor,
  runTool,
  safeUrl,
  serverInfo,
  toolVersion,
  type ToolOptions,
} from './pg-tools';

export type BackupResult = { file: string; bytes: number; entries: number; serverVersion: string; toolVersion: string };

export function requirePostgresUrl(url: string | undefined, what: string): string {
  if (!url) {
    throw new OpsError(
      `${what} needs DATABASE_URL pointing at PostgreSQL. The embedded database (PGlite, the default without ` +
        `DATABASE_URL) lives in PANGOLIN_DATA_DIR/pglite: stop the console and copy that folder instead.`,
    );
  }
  return url;
}

/** Counts the archive's table-of-contents entries; also proves the file is a complete, readable archive header. */
export async function archiveEntries(pgRestore: string, file: string): Promise<number> {
  const { child, done } = runTool(pgRestore, ['--list', file], process.env);
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const r = await done;
  if (r.code !== 0) throw new OpsError(`${file} is not a readable pg_dump archive: ${r.stderr}`);
  return out.split('\n').filter((l) => l && !l.startsWith(';')).length;
}

/**
 * `pg_dump --format=custom` of the whole database into FILE. Written to a temporary name and renamed only
 * when pg_dump succeeded, so a failed run never leaves a file that looks like a backup.
 */
export async function backupDatabase(
  url: string,
  file: string,
  opts: ToolOptions & { force?: boolean; log?: (line: string) => void } = {},
): Promise<BackupResult> {
  const log = opts.log ?? (() => undefined);
  const target = path.resolve(file);
  if (existsSync(target) && !opts.force)
    throw new OpsError(`${file} already exists; choose another name or pass --force to overwrite it`);
  if (!existsSync(path.dirname(target))) throw new OpsError(`The folder ${path.dirname(target)} does not exist`);
  const server = await serverInfo(url);
  const pgDump = findTool('pg_dump', server.major, opts);
  const pgRestore = findTool('pg_restore', server.major, opts);
  requireSameMajor(pgDump, server);
  log(`Backing up ${safeUrl(url)} (PostgreSQL ${server.version}) with ${pgDump}`);
  const partial = `${target}.partial-${process.pid}`;
  try {
    const { done } = runTool(pgDump, ['--format=custom', '--no-password', `--file=${partial}`], libpqEnv(url));
    const r = await done;
    if (r.code !== 0) throw new OpsError(`pg_dump failed (exit ${r.code}): ${r.stderr || 'no message'}`);
    const entries = await archiveEntries(pgRestore, partial);
    renameSync(partial, target);
    return {
      file: target,
      bytes: statSync(target).size,
      entries,
      serverVersion: server.version,
      toolVersion: toolVersion(pgDump).version,
    };
  } finally {
    rmSync(partial, { force: true });
  }
}
