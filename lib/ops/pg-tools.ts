import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { explainConnectionError } from './connection-errors';

/** A failure whose message is meant for the operator as it is (no stack trace needed). */
export class OpsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpsError';
  }
}

export type ToolOptions = {
  /** Folder holding pg_dump, pg_restore and psql; defaults to PANGOLIN_PG_BIN, then the server's version, then PATH. */
  binDir?: string;
};

/** The URL without its password, for messages and logs. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * libpq settings for the command-line tools, from a postgres:// URL. Passing them in the environment keeps
 * the password out of the process list; node-postgres-only parameters (uselibpqcompat) are dropped.
 */
export function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const out: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: process.env.PGCONNECT_TIMEOUT ?? '10' };
  for (const k of [
    'PGHOST',
    'PGPORT',
    'PGUSER',
    'PGPASSWORD',
    'PGDATABASE',
    'PGSSLMODE',
    'PGSSLROOTCERT',
    'PGSSLCERT',
    'PGSSLKEY',
    'PGOPTIONS',
    'PGSERVICE',
  ])
    delete out[k];
  out.PGHOST = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || 'localhost';
  out.PGPORT = u.port || '5432';
  if (u.username) out.PGUSER = decodeURIComponent(u.username);
  if (u.password) out.PGPASSWORD = decodeURIComponent(u.password);
  out.PGDATABASE = decodeURIComponent(u.pathname.replace(/^\//, '')) || out.PGUSER || 'postgres';
  const map: Record<string, string> = {
    sslmode: 'PGSSLMODE',
    sslrootcert: 'PGSSLROOTCERT',
    sslcert: 'PGSSLCERT',
    sslkey: 'PGSSLKEY',
    options: 'PGOPTIONS',
  };
  for (const [param, variable] of Object.entries(map)) {
    const v = u.searchParams.get(param);
    if (v) out[variable] = v;
  }
  if (u.searchParams.get('host')) out.PGHOST = u.searchParams.get('host')!;
  return out;
}

export type ServerInfo = { major: number; version: string };

export async function serverInfo(url: string): Promise<ServerInfo> {
  const u = new URL(url);
  if (u.searchParams.has('sslmode') && !u.searchParams.has('uselibpqcompat'))
    u.searchParams.set('uselibpqcompat', 'true');
  const c = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    const { rows } = await c.query<{ num: string; version: string }>(
      `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`,
    );
    return { major: Math.floor(Number(rows[0].num) / 10_000), version: rows[0].version };
  } catch (err) {
    throw new OpsError(`Cannot connect to ${safeUrl(url)}: ${explainConnectionError(err, url)}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return null;
}

/**
 * Finds a PostgreSQL client tool. Debian installs each major version under /usr/lib/postgresql/<major>/bin,
 * so the one matching the server is preferred when present.
 */
export function findTool(name: 'pg_dump' | 'pg_restore' | 'psql', serverMajor: number, opts: ToolOptions = {}): string {
  const dir = opts.binDir ?? process.env.PANGOLIN_PG_BIN;
  if (dir) {
    const p = path.join(dir, name);
    if (!existsSync(p))
      throw new OpsError(
        `${name} was not found in ${dir} (PANGOLIN_PG_BIN). Point it at the folder holding PostgreSQL ${serverMajor}'s client tools.`,
      );
    return p;
  }
  const matching = `/usr/lib/postgresql/${serverMajor}/bin/${name}`;
  if (existsSync(matching)) return matching;
  const found = onPath(name);
  if (!found) {
    throw new OpsError(
      `${name} was not found. Install PostgreSQL's client tools (Debian/Ubuntu: apt-get install postgresql-client` +
        `${serverMajor ? `-${serverMajor}` : ''}), or set PANGOLIN_PG_BIN to the folder that holds ${name}.`,
    );
  }
  return found;
}

/** "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" → { major: 15, version: "15.20" }. */
export function toolVersion(tool: string): { major: number; version: string } {
  const out = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (out.error || out.status !== 0)
    throw new OpsError(`${tool} --version failed: ${out.error?.message ?? out.stderr}`);
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(out.stdout);
  if (!m) throw new OpsError(`Cannot tell the version of ${tool} from "${out.stdout.trim()}"`);
  return { major: Number(m[1]), version: m[2] ? `${m[1]}.${m[2]}` : m[1] };
}

/** The tool's major version must equal the server's: dumps and restores across majors are where surprises live. */
export function requireSameMajor(tool: string, server: ServerInfo): void {
  const v = toolVersion(tool);
  if (v.major !== server.major) {
    throw new OpsError(
      `${path.basename(tool)} is version ${v.version} but the server runs PostgreSQL ${server.version}: ` +
        `use the client tools of the server's major version (Debian/Ubuntu: apt-get install postgresql-client-${server.major}; ` +
        `they land in /usr/lib/postgresql/${server.major}/bin, which is used automatically, or set PANGOLIN_PG_BIN).`,
    );
  }
}

export type RunResult = { code: number; stderr: string };

/** Runs a tool, collecting stderr; the caller reads stdout (or pipes it on) and may keep stdin open to write to it. */
export function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv, opts: { keepStdinOpen?: boolean } = {}) {
  const child = spawn(tool, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  if (!opts.keepStdinOpen) child.stdin.end();
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr: stderr.trim() }));
  });
  return { child, done };
}
