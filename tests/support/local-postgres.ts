import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/**
 * The local PostgreSQL cluster behind TEST_DATABASE_URL, when this process may restart it (root, Debian's
 * pg_ctlcluster, a loopback URL whose port matches a cluster). Null otherwise: fault tests then skip.
 */
export function restartableLocalCluster(): { version: string; name: string } | null {
  const url = process.env.TEST_DATABASE_URL;
  if (!url || process.env.PANGOLIN_SKIP_FAULT_TESTS === '1') return null;
  const { hostname, port } = new URL(url);
  if (!['127.0.0.1', 'localhost', '::1'].includes(hostname) || process.getuid?.() !== 0) return null;
  if (!existsSync('/usr/bin/pg_ctlcluster') || !existsSync('/etc/postgresql')) return null;
  for (const version of readdirSync('/etc/postgresql')) {
    for (const name of readdirSync(`/etc/postgresql/${version}`)) {
      const conf = execFileSync('pg_conftool', [version, name, 'show', 'port'], { encoding: 'utf8' }).trim();
      if (conf.endsWith(`= ${port || '5432'}`) || conf.endsWith(`= '${port || '5432'}'`)) return { version, name };
    }
  }
  return null;
}

export function restartCluster(c: { version: string; name: string }, mode: 'restart' | 'stop' | 'start' = 'restart') {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', c.version, c.name, mode], { stdio: 'pipe' });
}
