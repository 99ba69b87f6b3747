import { isIP } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Queryable } from '@/db/client';
import { systemSettings } from '@/db/schema';
import { decryptSecret } from './crypto';
import { EGRESS_MESSAGES, egressLookup, isEgressDenied } from './egress';

/**
 * Mail through a tenant's own SMTP relay (its Settings), with nodemailer. The relay's host is an address a person
 * typed, so it is resolved through the egress policy and the connection goes to the address that was checked (TLS
 * still verifies the certificate against the host name). `PANGOLIN_EGRESS_ALLOW` admits a relay on a private network.
 */
export type SmtpConfig = {
  host: string;
  port: number;
  username: string;
  from: string;
  secure: boolean;
  password: string | null;
};

export type MailMessage = { to: string; subject: string; text: string };

/** The tenant's SMTP settings with the password decrypted, or null when mail is not configured. */
export async function tenantSmtp(q: Queryable, tenantId: string): Promise<SmtpConfig | null> {
  const [row] = await q
    .select({ settings: systemSettings.settings, pw: systemSettings.smtpPasswordEncrypted })
    .from(systemSettings)
    .where(eq(systemSettings.tenantId, tenantId))
    .limit(1);
  const smtp = row?.settings?.smtp;
  if (!smtp?.host || !smtp.from) return null;
  return { ...smtp, password: row.pw ? decryptSecret(row.pw) : null };
}

/** Whether the tenant has mail set up (what the forms say, and whether an invitation is mailed). */
export async function mailConfigured(q: Queryable, tenantId: string): Promise<boolean> {
  const [row] = await q
    .select({ settings: systemSettings.settings })
    .from(systemSettings)
    .where(eq(systemSettings.tenantId, tenantId))
    .limit(1);
  return !!(row?.settings?.smtp?.host && row.settings.smtp.from);
}

/** mailConfigured as an SQL condition, to fold into the statement that queues the mail. */
export const mailConfiguredSql = (tenantId: string) =>
  sql`EXISTS (SELECT 1 FROM ${systemSettings} s WHERE s.tenant_id = ${tenantId}
    AND coalesce(s.settings->'smtp'->>'host', '') <> '' AND coalesce(s.settings->'smtp'->>'from', '') <> '')`;

/** The relay's address, resolved once through the egress policy (an address literal is checked as it is). */
function resolveThroughPolicy(host: string): Promise<string> {
  return new Promise((resolve, reject) =>
    egressLookup(host, {}, (err, address) => (err ? reject(err) : resolve(address as string))),
  );
}

/** The sentence a failed send is reported with: the policy's fixed words, else the relay's own answer or error. */
export function mailErrorText(err: unknown): string {
  if (isEgressDenied(err)) return `The SMTP host is ${EGRESS_MESSAGES.denied}`;
  const e = err as { code?: string; response?: string; message?: string };
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'The SMTP host name does not resolve';
  if (e.response) return `The SMTP server answered: ${e.response}`.slice(0, 500);
  return `Could not send through the SMTP server: ${e.message ?? 'unknown error'}`.slice(0, 500);
}

/**
 * Sends one message and answers the relay's final reply (e.g. "250 2.0.0 Ok: queued"). Throws on any failure;
 * `mailErrorText` turns the error into what the deliveries page and the test-mail button show.
 */
export async function sendMail(cfg: SmtpConfig, msg: MailMessage): Promise<string> {
  const address = await resolveThroughPolicy(cfg.host);
  const implicitTls = cfg.secure && cfg.port === 465;
  const transport = nodemailer.createTransport({
    host: address,
    port: cfg.port,
    secure: implicitTls,
    requireTLS: cfg.secure && !implicitTls,
    name: 'pangolin',
    tls: { servername: isIP(cfg.host) ? undefined : cfg.host },
    auth: cfg.username ? { user: cfg.username, pass: cfg.password ?? '' } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info = await transport.sendMail({ from: cfg.from, to: msg.to, subject: msg.subject, text: msg.text });
    return String(info.response ?? '');
  } finally {
    transport.close();
  }
}
