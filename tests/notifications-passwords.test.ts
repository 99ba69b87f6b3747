import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { activeTokens, passwordLinks, users } from '@/db/schema';
import { signInWithPassword } from '@/lib/auth/login';
import { issueToken } from '@/lib/auth/tokens';
import { executeMutation } from '@/lib/mutation';
import {
  FORGOT_ANSWER,
  LINK_GONE,
  linkActor,
  linkOwner,
  reissueInvitation,
  requestPasswordReset,
  setPasswordByLink,
} from '@/lib/governance/password-links';
import { sendTestMail, updateSettings } from '@/lib/governance/settings';
import { createUser } from '@/lib/governance/users';
import { prepareJobs, startJobWorkers, stopJobWorkers } from '@/lib/jobs';
import { deliveryJob } from '@/lib/outbox';
import { tenantWorld } from './support/fixtures';
import { refusal, run } from './support/governance';
import { startSmtp, waitFor, type SmtpPeer } from './support/notifications';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

vi.hoisted(() => {
  process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
  process.env.PANGOLIN_DELIVERY_RETRY_SECS = '1';
  process.env.PANGOLIN_URL = 'https://lake.example.com/';
});

let smtp: SmtpPeer;
let w: Awaited<ReturnType<typeof tenantWorld>>;
const request = () => ({
  ip: `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  userAgent: 'vitest',
  requestId: randomUUID(),
});
const LINK = /https:\/\/lake\.example\.com\/set-password\?token=([\w-]+)/;

const mailTo = (address: string) => smtp.mails.filter((m) => m.to[0] === address);
const tokenIn = (text: string) => decodeURIComponent(LINK.exec(text)![1]);

async function usePassword(token: string, password: string) {
  const owner = await linkOwner(token);
  if (!owner) throw new Error(LINK_GONE);
  return executeMutation(setPasswordByLink, linkActor(owner, request()), { token, password, confirm: password });
}

beforeAll(async () => {
  smtp = await startSmtp();
  w = await tenantWorld();
  await run(updateSettings, w.admin, {
    smtpHost: '127.0.0.1',
    smtpPort: smtp.port,
    smtpFrom: 'lake@example.com',
    smtpSecure: false,
  });
  await prepareJobs([deliveryJob]);
  await startJobWorkers([deliveryJob], { pollingIntervalSeconds: 0.5 });
});

afterAll(async () => {
  await stopJobWorkers();
  await smtp?.stop();
});

describe('invitations by mail', () => {
  it('a new user with an address gets a single-use link instead of a temporary password, and sets a password with it', async () => {
    const name = `ada-${randomUUID().slice(0, 8)}`;
    const email = `${name}@example.com`;
    const created = await run(createUser, w.admin, { username: name, email });
    expect(created.temporaryPassword).toBeUndefined();
    expect(created.invitationMailed).toBe(email);
    const db = await getDb();
    const [row] = await db.select().from(users).where(eq(users.id, created.id));
    expect(row.passwordHash).toBeNull();
    expect(row.mustChangePassword).toBe(false);

    await waitFor('the invitation', () => mailTo(email).length === 1);
    const mail = mailTo(email)[0];
    expect(mail.subject).toBe('Your Pangolin Console account');
    expect(mail.text).toContain(`user name: ${name}`);
    const token = tokenIn(mail.text);
    // Only the link's hash is stored, and the outbox forgot the link once the mail went.
    const [link] = await db.select().from(passwordLinks).where(eq(passwordLinks.userId, created.id));
    expect(link.tokenHash).not.toContain(token);
    const outbox = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = ${w.tenant.id} AND secret_encrypted IS NOT NULL AND state = 'delivered'`,
    );
    expect(outbox.rows[0].n).toBe(0);

    await expect(
      signInWithPassword({ username: name, password: 'whatever-password-1', request: request() }),
    ).rejects.toThrow();
    await usePassword(token, 'a-new-password-for-ada');
    const signedIn = await signInWithPassword({
      username: name,
      password: 'a-new-password-for-ada',
      request: request(),
    });
    expect(signedIn).toBeTruthy();
    // Single use.
    expect(await linkOwner(token)).toBeNull();
    const again = await refusal(
      executeMutation(
        setPasswordByLink,
        linkActor(
          { userId: created.id, username: name, role: 'tenant_user', tenantId: w.tenant.id, purpose: 'invite' },
          request(),
        ),
        {
          token,
          password: 'yet-another-password',
          confirm: 'yet-another-password',
        },
      ),
    );
    expect(again).toMatchObject({ code: 'conflict', message: LINK_GONE });
  });

  it('a reissued invitation replaces the earlier link; an expired link is refused', async () => {
    const name = `bo-${randomUUID().slice(0, 8)}`;
    const email = `${name}@example.com`;
    const created = await run(createUser, w.admin, { username: name, email });
    await waitFor('the first invitation', () => mailTo(email).length === 1);
    await run(reissueInvitation, w.admin, { id: created.id });
    await waitFor('the second invitation', () => mailTo(email).length === 2);
    const [first, second] = mailTo(email).map((m) => tokenIn(m.text));
    expect(await linkOwner(first)).toBeNull();
    expect(await linkOwner(second)).toMatchObject({ userId: created.id, purpose: 'invite' });
    await (
      await getDb()
    )
      .update(passwordLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordLinks.userId, created.id));
    expect(await linkOwner(second)).toBeNull();
  });

  it('without mail set up, the temporary password flow stays', async () => {
    const other = await tenantWorld();
    const created = await run(createUser, other.admin, {
      username: `cy-${randomUUID().slice(0, 8)}`,
      email: `cy-${randomUUID().slice(0, 8)}@example.com`,
    });
    expect(created.temporaryPassword).toMatch(/.{12,}/);
    expect(created.invitationMailed).toBeNull();
    expect(await refusal(run(reissueInvitation, other.admin, { id: created.id }))).toMatchObject({ code: 'conflict' });
  });
});

describe('forgot password', () => {
  it('answers the same for an account and for nobody, mails only the account, and signs every session out after the reset', async () => {
    const name = `di-${randomUUID().slice(0, 8)}`;
    const email = `${name}@example.com`;
    const created = await run(createUser, w.admin, { username: name, email, password: 'the-first-password-1' });
    const db = await getDb();
    const session = await issueToken(db, { userId: created.id, tenantId: w.tenant.id, kind: 'session', ttlSecs: 3600 });

    const before = smtp.mails.length;
    expect(await requestPasswordReset(email.toUpperCase(), request())).toBe(FORGOT_ANSWER);
    expect(await requestPasswordReset(`nobody-${randomUUID().slice(0, 8)}@example.com`, request())).toBe(FORGOT_ANSWER);
    expect(await requestPasswordReset(`nobody-${randomUUID().slice(0, 8)}`, request())).toBe(FORGOT_ANSWER);
    await waitFor('the reset mail', () => mailTo(email).length === 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.mails.length).toBe(before + 1);
    const mail = mailTo(email)[0];
    expect(mail.subject).toBe('Reset your Pangolin Console password');

    await usePassword(tokenIn(mail.text), 'the-second-password-2');
    const [live] = await db.select().from(activeTokens).where(eq(activeTokens.tokenHash, session.tokenHash));
    expect(live).toBeUndefined();
    await expect(
      signInWithPassword({ username: name, password: 'the-first-password-1', request: request() }),
    ).rejects.toThrow();
    expect(
      await signInWithPassword({ username: name, password: 'the-second-password-2', request: request() }),
    ).toBeTruthy();
  });

  it('is throttled like sign-in: per name and address, the same answer for any name', async () => {
    const from = request();
    const ask = () => requestPasswordReset('someone-throttled', from);
    for (let i = 0; i < 4; i++) expect(await ask()).toBe(FORGOT_ANSWER);
    // The fifth counts and locks the pair; the next is refused, naming when to try again.
    await ask().catch(() => undefined);
    expect(await refusal(ask())).toMatchObject({
      code: 'too_many_requests',
      message: expect.stringMatching(/^Too many requests\. Try again in \d+ minutes?\.$/),
    });
    expect(await refusal(requestPasswordReset('', from))).toMatchObject({ code: 'validation_failed' });
  });
});

describe('send test mail', () => {
  it("reports the SMTP server's answer, the connection error, or the egress policy's refusal, and audits each", async () => {
    const to = `test-${randomUUID().slice(0, 8)}@example.com`;
    const ok = await sendTestMail(w.admin, to);
    expect(ok.ok).toBe(true);
    expect(ok.message).toMatch(/^Sent to test-.*\. The SMTP server answered: 250 /);
    await waitFor('the test mail', () => mailTo(to).length === 1);
    expect(mailTo(to)[0].subject).toBe('Pangolin test mail');

    const other = await tenantWorld();
    // Nothing listens on this port (an SMTP server started and stopped).
    const gone = await startSmtp();
    await gone.stop();
    await run(updateSettings, other.admin, {
      smtpHost: '127.0.0.1',
      smtpPort: gone.port,
      smtpFrom: 'x@example.com',
      smtpSecure: false,
    });
    const down = await sendTestMail(other.admin, to);
    expect(down).toMatchObject({ ok: false, message: expect.stringContaining('ECONNREFUSED') });

    await run(updateSettings, other.admin, { smtpHost: '10.0.0.25', smtpPort: 25 });
    expect(await sendTestMail(other.admin, to)).toEqual({
      ok: false,
      message: "The SMTP host is not allowed by the server's egress policy",
    });
    expect(await refusal(sendTestMail(other.admin, 'not-an-address'))).toMatchObject({ code: 'validation_failed' });
    expect(await refusal(sendTestMail(other.user, to))).toMatchObject({ code: 'forbidden' });
    const audited = await (
      await getDb()
    ).execute<{ result: string }>(
      sql`SELECT result FROM audit_logs WHERE tenant_id = ${other.tenant.id} AND action = 'settings.test_mail' ORDER BY seq`,
    );
    expect(audited.rows.map((r) => r.result)).toEqual(['failure', 'failure']);
  });
});
