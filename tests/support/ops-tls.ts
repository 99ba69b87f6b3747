// Turns TLS on for the shared test server for the duration of a test, with a throw-away CA and server certificate.
//
// What it does to the server (it must be a superuser connection; pg_hba is never touched):
//  - takes a session advisory lock, so two runs of the TLS test never overlap (one waits for the other);
//  - writes pangolin-test-tls.crt / .key (mode 0600, owned by the server's OS user) into the server's data
//    directory, where they survive an interrupted run, then ALTER SYSTEM SET ssl = on, ssl_cert_file,
//    ssl_key_file and pg_reload_conf();
//  - afterwards puts those three settings back as they were (RESET when they were unset) and reloads again.
// Clients that do not ask for TLS are unaffected throughout. If TLS was already on with someone else's
// certificate, nothing is changed and only the tests that need no knowledge of the server's CA run.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

const LOCK_KEY = 7_361_204_177;
const OUR_FILE = 'pangolin-test-tls';
const SETTINGS = ['ssl', 'ssl_cert_file', 'ssl_key_file'] as const;

export type TlsFixture = {
  /** The CA that signed the server certificate, or null when TLS was already on with a certificate not ours. */
  caFile: string | null;
  /** A CA that signed nothing the server presents. */
  wrongCaFile: string;
  enabledByUs: boolean;
  restore: () => Promise<void>;
};

function openssl(args: string[], cwd: string) {
  try {
    execFileSync('openssl', args, { cwd, stdio: 'pipe' });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed; the TLS test needs it to make certificates');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? err}`);
  }
}

function makeCertificates(dir: string) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Pangolin test CA'],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(path.join(dir, 'san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'san.cnf',
    ],
    dir,
  );
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'wrong.key', '-out', 'wrong-ca.crt', '-days', '2', '-subj', '/CN=Some other CA'],
    dir,
  );
}

/**
 * Puts a file where the server can read it, owned by the server's OS user with mode 0600 (PostgreSQL refuses a
 * key readable by others). Needs the test to run on the server's machine as root or as that user, as CI does.
 */
function writeServerFile(dataDir: string, file: string, content: Buffer) {
  const owner = statSync(dataDir).uid;
  const me = process.getuid?.();
  if (me !== 0 && me !== owner) {
    throw new Error(
      `the TLS test must run on the database machine as root or as the server's OS user to install a certificate in ${dataDir}`,
    );
  }
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
  if (me === 0) chownSync(file, owner, statSync(dataDir).gid);
}

/** Settings as they stand in postgresql.auto.conf, ignoring our own leftovers from an interrupted run. */
async function priorAutoConf(c: Client): Promise<Record<string, string | null>> {
  const { rows } = await c.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' AND name = ANY($1)`,
    [SETTINGS],
  );
  const prior: Record<string, string | null> = { ssl: null, ssl_cert_file: null, ssl_key_file: null };
  for (const r of rows) prior[r.name] = r.setting;
  if (prior.ssl_cert_file?.includes(OUR_FILE)) return { ssl: null, ssl_cert_file: null, ssl_key_file: null };
  return prior;
}

async function applySettings(c: Client, values: Record<string, string | null>) {
  for (const name of SETTINGS) {
    const v = values[name];
    await c.query(v === null ? `ALTER SYSTEM RESET ${name}` : `ALTER SYSTEM SET ${name} = ${c.escapeLiteral(v)}`);
  }
  await c.query('SELECT pg_reload_conf()');
}

/** Waits until a fresh connection gets (or no longer gets) TLS: the reload is asynchronous. */
async function waitForTls(url: string, wanted: boolean) {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    const c = new Client({ connectionString: url, ssl: { rejectUnauthorized: false } });
    try {
      await c.connect();
      const { rows } = await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      if (rows[0]?.ssl === wanted) return;
    } catch (err) {
      last = (err as Error).message;
      if (!wanted && /does not support SSL/i.test(last)) return;
    } finally {
      await c.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `the server did not ${wanted ? 'start' : 'stop'} offering TLS after pg_reload_conf() (${last || 'no error'}); see the server log`,
  );
}

export async function enableServerTls(serverUrl: string): Promise<TlsFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-tls-'));
  makeCertificates(dir);
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  const release = async () => {
    await c.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await c.end().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const su = await c.query<{ super: boolean }>('SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user');
    if (!su.rows[0]?.super) throw new Error('the TLS test needs a superuser connection to turn TLS on (ALTER SYSTEM)');
    await c.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    const { rows } = await c.query<{ ssl: string; cert: string; dd: string }>(
      `SELECT current_setting('ssl') AS ssl, current_setting('ssl_cert_file') AS cert, current_setting('data_directory') AS dd`,
    );
    const { ssl, cert, dd } = rows[0];
    const wrongCaFile = path.join(dir, 'wrong-ca.crt');
    if (ssl === 'on' && !cert.includes(OUR_FILE)) {
      return { caFile: null, wrongCaFile, enabledByUs: false, restore: release };
    }
    const prior = await priorAutoConf(c);
    const certFile = path.posix.join(dd, `${OUR_FILE}.crt`);
    const keyFile = path.posix.join(dd, `${OUR_FILE}.key`);
    writeServerFile(dd, certFile, readFileSync(path.join(dir, 'server.crt')));
    writeServerFile(dd, keyFile, readFileSync(path.join(dir, 'server.key')));
    await applySettings(c, { ssl: 'on', ssl_cert_file: certFile, ssl_key_file: keyFile });
    try {
      await waitForTls(serverUrl, true);
    } catch (err) {
      await applySettings(c, prior);
      throw err;
    }
    return {
      caFile: path.join(dir, 'ca.crt'),
      wrongCaFile,
      enabledByUs: true,
      restore: async () => {
        try {
          await applySettings(c, prior);
          if (prior.ssl !== 'on') await waitForTls(serverUrl, false);
        } finally {
          await release();
        }
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}
