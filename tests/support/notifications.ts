/**
 * Real peers for mail and webhooks, on loopback: an SMTP server from npm (`smtp-server`, the relay nodemailer's
 * authors maintain) that keeps every message it accepts, parsed with `mailparser`; and a webhook receiver (node's
 * http server) that checks each call's Standard Webhooks signature twice: with the `standardwebhooks` package and
 * with an HMAC computed here from the specification's text (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body`
 * under the base64-decoded `whsec_` secret).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export type CapturedMail = { to: string[]; from: string; subject: string; text: string; at: number };

export type SmtpPeer = {
  port: number;
  mails: CapturedMail[];
  /** Each connection's client, in order (to see retries arrive). */
  connections: number;
  stop(): Promise<void>;
};

/** An SMTP server that accepts any sender and recipient without TLS or login (a relay on a private network). */
export async function startSmtp(port = 0, mails: CapturedMail[] = []): Promise<SmtpPeer> {
  const peer = { port: 0, mails, connections: 0 } as SmtpPeer;
  const server = new SMTPServer({
    authOptional: true,
    hideSTARTTLS: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onConnect(_session, cb) {
      peer.connections++;
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            at: Date.now(),
          });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  peer.port = (server.server.address() as AddressInfo).port;
  peer.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return peer;
}

export type ReceivedCall = {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** The standardwebhooks package accepted the signature. */
  packageVerified: boolean;
  /** The HMAC computed here from the specification matched one of the signatures. */
  specVerified: boolean;
  at: number;
};

export type WebhookReceiver = {
  url: string;
  calls: ReceivedCall[];
  /** Set after the webhook is created (the secret is shown once). */
  secret: string | null;
  /** The status the receiver answers with (e.g. 503 to play down); 204 by default. */
  status: number;
  /** Milliseconds each answer waits (a slow receiver). */
  delayMs: number;
  stop(): Promise<void>;
};

/** The specification's signature, computed with node:crypto (the second implementation). */
export function specSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const receiver = { calls: [], secret: null, status: 204, delayMs: 0 } as unknown as WebhookReceiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const h = (n: string) => String(req.headers[n] ?? '');
      let packageVerified = false;
      let specVerified = false;
      if (receiver.secret) {
        try {
          new Webhook(receiver.secret).verify(body, {
            'webhook-id': h('webhook-id'),
            'webhook-timestamp': h('webhook-timestamp'),
            'webhook-signature': h('webhook-signature'),
          });
          packageVerified = true;
        } catch {
          packageVerified = false;
        }
        const expected = Buffer.from(specSignature(receiver.secret, h('webhook-id'), h('webhook-timestamp'), body));
        specVerified = h('webhook-signature')
          .split(' ')
          .some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected));
      }
      receiver.calls.push({
        id: h('webhook-id'),
        timestamp: h('webhook-timestamp'),
        signature: h('webhook-signature'),
        body,
        packageVerified,
        specVerified,
        at: Date.now(),
      });
      setTimeout(() => {
        res.statusCode = receiver.status;
        res.end();
      }, receiver.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Polls until the check holds (deliveries are asynchronous), or fails naming what was awaited. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
