// Starts a private PgBouncer in transaction pooling mode in front of the test server, on a free port, with its
// own configuration in a temporary directory. Used to prove nothing in the console depends on session state.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Bouncer = {
  port: number;
  /** The given server URL, rewritten to go through this PgBouncer (same database, user and password). */
  urlFor: (serverUrl: string) => string;
  /** Runs a statement on PgBouncer's admin console (e.g. SHOW STATS) and returns the rows. */
  admin: (command: string) => Promise<Record<string, unknown>[]>;
  log: () => string;
  stop: () => Promise<void>;
};

export function pgbouncerInstalled(): boolean {
  return spawnSync('pgbouncer', ['--version'], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** PgBouncer refuses to run as root; it then needs `user =` to drop to an unprivileged account. */
function dropToUser(): string | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    if (spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0) return name;
  }
  throw new Error('PgBouncer cannot run as root and no unprivileged user (postgres, nobody) exists to switch to');
}

export async function startPgbouncer(serverUrl: string, opts: { poolSize?: number } = {}): Promise<Bouncer> {
  if (!pgbouncerInstalled()) throw new Error('pgbouncer is not installed (Debian: apt-get install pgbouncer)');
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username || 'postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'pgbouncer-'));
  chmodSync(dir, 0o755);
  const runAs = dropToUser();
  const port = await freePort();
  const ini = path.join(dir, 'pgbouncer.ini');
  const users = path.join(dir, 'userlist.txt');
  // The server trusts local connections; PgBouncer passes the client's user through, and trusts it in turn.
  writeFileSync(users, `"${user}" "${decodeURIComponent(server.password)}"\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}${server.password ? ` password=${decodeURIComponent(server.password)}` : ''}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${users}`,
      'pool_mode = transaction',
      `default_pool_size = ${opts.poolSize ?? 10}`,
      'max_client_conn = 200',
      `admin_users = ${user}`,
      // node-postgres may send these; PgBouncer would otherwise refuse the connection.
      'ignore_startup_parameters = extra_float_digits,options',
      'server_reset_query =',
      ...(runAs ? [`user = ${runAs}`] : []),
      '',
    ].join('\n'),
  );
  chmodSync(ini, 0o644);
  chmodSync(users, 0o644);

  let output = '';
  const child: ChildProcess = spawn('pgbouncer', [ini], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });

  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`PgBouncer did not start on port ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const urlFor = (url: string) => {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };

  return {
    port,
    urlFor,
    log: () => output,
    admin: async (command) => {
      const { Client } = await import('pg');
      const u = new URL(serverUrl);
      u.pathname = '/pgbouncer';
      // The admin console speaks only the simple query protocol.
      const c = new Client({ connectionString: urlFor(u.toString()) });
      await c.connect();
      try {
        return (await c.query(command)).rows;
      } finally {
        await c.end();
      }
    },
    stop: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
