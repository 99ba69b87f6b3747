/**
 * Turns a failure to connect to PostgreSQL into one sentence an operator can act on. TLS failures in
 * particular arrive from Node as terse OpenSSL codes ("unable to get local issuer certificate").
 */
type ErrLike = {
  code?: string;
  message?: string;
  cause?: unknown;
  reason?: string;
  host?: string;
  cert?: { subjectaltname?: string };
};

const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

function innermost(err: unknown): ErrLike {
  let e = err as ErrLike;
  // drizzle wraps driver errors ("Failed query: …") with the driver's error as `cause`.
  while (e && typeof e === 'object' && e.cause && typeof e.cause === 'object' && !e.code) e = e.cause as ErrLike;
  return e ?? {};
}

function describeTarget(url: string | undefined) {
  if (!url)
    return {
      where: 'the database',
      sslmode: undefined as string | undefined,
      rootcert: undefined as string | undefined,
    };
  try {
    const u = new URL(url);
    return {
      where: `the database at ${u.hostname}:${u.port || 5432}`,
      sslmode: u.searchParams.get('sslmode') ?? undefined,
      rootcert: u.searchParams.get('sslrootcert') ?? undefined,
    };
  } catch {
    return { where: 'the database', sslmode: undefined, rootcert: undefined };
  }
}

export function explainConnectionError(err: unknown, url?: string): string {
  const e = innermost(err);
  const code = e.code ?? '';
  const raw = String(e.message ?? err);
  const { where, sslmode, rootcert } = describeTarget(url);
  if (UNTRUSTED.has(code) || /certificate (chain|signature)|self[- ]signed|local issuer/i.test(raw)) {
    return (
      `TLS verification of ${where} failed (sslmode=${sslmode ?? 'verify-full'}): the server's certificate is not signed by ` +
      `${rootcert ? `the CA in sslrootcert=${rootcert}` : 'a trusted CA'}. Point sslrootcert at the CA that signed the server certificate, ` +
      `or use sslmode=require to encrypt without verifying. (${raw})`
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return (
      `TLS verification of ${where} failed (sslmode=${sslmode ?? 'verify-full'}): the certificate does not name this host ` +
      `(${e.reason ?? raw}). Connect with the host name in the certificate, or use sslmode=verify-ca. (${raw})`
    );
  }
  if (code === 'CERT_HAS_EXPIRED')
    return `TLS verification of ${where} failed: the server's certificate has expired. (${raw})`;
  if (/does not support SSL/i.test(raw)) {
    return (
      `${where} does not accept TLS connections (ssl = off on the server), but sslmode=${sslmode ?? 'require'} asks for TLS. ` +
      `Turn TLS on in postgresql.conf, or drop sslmode from the URL. (${raw})`
    );
  }
  if (/ENOENT/.test(code) && /sslrootcert|\.pem|\.crt/i.test(raw)) return `The sslrootcert file cannot be read: ${raw}`;
  if (code === 'ECONNREFUSED')
    return `Nothing is listening at ${where.replace('the database at ', '')}: is PostgreSQL running? (${raw})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The database host cannot be resolved (${raw})`;
  if (code === '28P01' || code === '28000') return `${where} refused the login: ${raw}`;
  if (code === '3D000') return `${raw} (create it first, e.g. createdb)`;
  return raw;
}
