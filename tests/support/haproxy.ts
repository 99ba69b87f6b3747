// A real load balancer for the fleet test: HAProxy from Debian (/usr/sbin/haproxy; CI installs it), round robin with
// no stickiness, health-checking each instance's /api/health/ready, retrying a request whose connection was refused
// or closed unanswered on another instance (what a rolling restart needs), and naming the instance that answered
// in X-Served-By.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './server-process';

export const HAPROXY = process.env.PANGOLIN_HAPROXY ?? '/usr/sbin/haproxy';

export type Balancer = { port: number; url: string; log: () => string; stop: () => Promise<void> };

export function haproxyInstalled(): boolean {
  return spawnSync(HAPROXY, ['-v'], { stdio: 'ignore' }).status === 0;
}

export async function startHaproxy(backendPorts: number[]): Promise<Balancer> {
  if (!haproxyInstalled()) throw new Error(`HAProxy is not installed at ${HAPROXY} (Debian: apt-get install haproxy)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout http-request 10s',
      // A refused connection or one closed without an answer (an instance leaving) is retried on another instance.
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response',
      '  option http-buffer-request',
      '  option forwardfor',
      'frontend console',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /api/health/ready',
      '  http-check expect status 200',
      // A check may take a while under load (3 s); one that is refused (an instance leaving) fails at once.
      '  timeout check 3s',
      '  default-server inter 500 fall 2 rise 2',
      '  http-response set-header X-Served-By %s',
      ...backendPorts.map((p, i) => `  server i${i + 1} 127.0.0.1:${p} check`),
      '',
    ].join('\n'),
  );
  const check = spawnSync(HAPROXY, ['-c', '-f', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy -c: ${check.stdout}${check.stderr}`);
  const proc: ChildProcess = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${url}/api/health/ready`);
      if (r.ok) break;
    } catch {
      /* starting */
    }
    if (i > 100 || proc.exitCode !== null) throw new Error(`HAProxy did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    url,
    log: () => out,
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
