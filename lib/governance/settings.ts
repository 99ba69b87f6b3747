import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDb, type Queryable } from '@/db/client';
import { catalogs, systemSettings, warehouses, type TenantSettings } from '@/db/schema';
import type { Actor } from '../actor';
import { actorRef, recordAuditEvent } from '../audit-chain';
import { requireTenant, requireTenantAdmin } from '../authz';
import { encryptSecret } from '../crypto';
import { AppError } from '../errors';
import { mailErrorText, sendMail, tenantSmtp } from '../mail';
import { defineMutation, registerMutations } from '../mutation';

export type { TenantSettings };

export const DEFAULT_SETTINGS: TenantSettings = {
  allowPublicSignup: false,
  defaultWarehouseId: null,
  defaultCatalogId: null,
  auditRetentionDays: 365,
  smtp: null,
};

export type TenantSettingsView = TenantSettings & { smtpPasswordSet: boolean; updatedAt: Date | null };

/** A tenant's settings with defaults filled in: what features (sign-up, catalogs, audit retention, mail) read. */
export async function getTenantSettings(q: Queryable, tenantId: string): Promise<TenantSettingsView> {
  const [row] = await q
    .select({
      settings: systemSettings.settings,
      pw: systemSettings.smtpPasswordEncrypted,
      updatedAt: systemSettings.updatedAt,
    })
    .from(systemSettings)
    .where(eq(systemSettings.tenantId, tenantId))
    .limit(1);
  return {
    ...DEFAULT_SETTINGS,
    ...(row?.settings ?? {}),
    smtpPasswordSet: !!row?.pw,
    updatedAt: row?.updatedAt ?? null,
  };
}

const blankToNull = (v: unknown) => (v === '' ? null : v);
const maybe = <T extends z.ZodType>(s: T) => z.preprocess(blankToNull, s.nullable().optional());

/** The API may send `smtp: {host, port, …}` as GET returns it; forms send flat fields. */
function flattenSmtp(raw: unknown) {
  if (!raw || typeof raw !== 'object') return raw;
  // What GET answers can be sent back as is: its read-only fields are ignored.
  const { smtp, smtpPasswordSet: _set, updatedAt: _at, ...rest } = raw as Record<string, unknown>;
  if (smtp === null) return { ...rest, smtpHost: null };
  if (!smtp || typeof smtp !== 'object') return rest;
  const s = smtp as Record<string, unknown>;
  return {
    ...rest,
    smtpHost: s.host,
    smtpPort: s.port,
    smtpUsername: s.username,
    smtpFrom: s.from,
    smtpSecure: s.secure,
    smtpPassword: s.password ?? rest.smtpPassword,
  };
}

/** Every field is optional: what is left out keeps its current value; an empty SMTP host turns mail off. */
export const settingsInput = z.preprocess(
  flattenSmtp,
  z
    .object({
      allowPublicSignup: z.boolean().optional(),
      defaultWarehouseId: maybe(z.uuid('Pick a warehouse')),
      defaultCatalogId: maybe(z.uuid('Pick a catalog')),
      auditRetentionDays: z.coerce
        .number('Audit retention must be a number of days')
        .int('Audit retention must be a whole number of days')
        .min(1, 'Audit retention is at least 1 day')
        .max(36500, 'Audit retention is at most 36500 days')
        .optional(),
      smtpHost: maybe(
        z
          .string()
          .trim()
          .max(253, 'SMTP host is at most 253 characters')
          .regex(/^[A-Za-z0-9.-]+$/, 'SMTP host must be a host name or address'),
      ),
      smtpPort: z.preprocess(
        blankToNull,
        z.coerce
          .number('SMTP port must be a number')
          .int()
          .min(1, 'SMTP port is 1–65535')
          .max(65535, 'SMTP port is 1–65535')
          .nullable()
          .optional(),
      ),
      smtpUsername: maybe(z.string().trim().max(200)),
      smtpFrom: maybe(z.email('The sender must be an email address')),
      smtpSecure: z.boolean().optional(),
      /** Empty or absent: keep the stored password. */
      smtpPassword: maybe(z.string().max(1000)),
      clearSmtpPassword: z.boolean().optional(),
    })
    .strict(),
);

async function catalogExists(q: Queryable, tenantId: string, id: string): Promise<boolean> {
  const [c] = await q
    .select({ id: catalogs.id })
    .from(catalogs)
    .where(and(eq(catalogs.tenantId, tenantId), eq(catalogs.id, id)))
    .limit(1);
  return !!c;
}

export const updateSettings = defineMutation({
  action: 'settings.update',
  recordInput: [
    'allowPublicSignup',
    'defaultWarehouseId',
    'defaultCatalogId',
    'auditRetentionDays',
    'smtpHost',
    'smtpPort',
    'smtpUsername',
    'smtpFrom',
    'smtpSecure',
  ],
  resourceType: 'settings',
  input: settingsInput,
  authorize: async (_tx, actor) => {
    requireTenantAdmin(actor);
  },
  run: async (tx, actor, input) => {
    const tenantId = requireTenant(actor);
    const current = await getTenantSettings(tx, tenantId);
    const fieldErrors: Record<string, string[]> = {};

    const defaultWarehouseId =
      input.defaultWarehouseId === undefined ? current.defaultWarehouseId : input.defaultWarehouseId;
    if (defaultWarehouseId) {
      const [w] = await tx
        .select({ id: warehouses.id })
        .from(warehouses)
        .where(and(eq(warehouses.tenantId, tenantId), eq(warehouses.id, defaultWarehouseId)))
        .limit(1);
      if (!w) fieldErrors.defaultWarehouseId = ['That warehouse was not found in this tenant'];
    }

    // A default catalog deleted since is dropped quietly when the form does not name one.
    let defaultCatalogId = input.defaultCatalogId === undefined ? current.defaultCatalogId : input.defaultCatalogId;
    if (defaultCatalogId && !(await catalogExists(tx, tenantId, defaultCatalogId))) {
      if (input.defaultCatalogId) fieldErrors.defaultCatalogId = ['That catalog was not found in this tenant'];
      else defaultCatalogId = null;
    }

    let smtp = current.smtp;
    if (input.smtpHost === null) smtp = null;
    else if (input.smtpHost !== undefined || smtp) {
      const host = input.smtpHost ?? smtp?.host;
      const from = input.smtpFrom === undefined ? smtp?.from : input.smtpFrom;
      if (host) {
        if (!from) fieldErrors.smtpFrom = ['Enter the sender address invitations come from'];
        smtp = {
          host,
          port: input.smtpPort ?? smtp?.port ?? 587,
          username: (input.smtpUsername === undefined ? smtp?.username : input.smtpUsername) ?? '',
          from: from ?? '',
          secure: input.smtpSecure ?? smtp?.secure ?? true,
        };
      }
    }
    if (Object.keys(fieldErrors).length) {
      throw new AppError('validation_failed', Object.values(fieldErrors)[0][0], fieldErrors);
    }

    const next: TenantSettings = {
      allowPublicSignup: input.allowPublicSignup ?? current.allowPublicSignup,
      defaultWarehouseId: defaultWarehouseId ?? null,
      defaultCatalogId: defaultCatalogId ?? null,
      auditRetentionDays: input.auditRetentionDays ?? current.auditRetentionDays,
      smtp,
    };
    const passwordChange = !smtp || input.clearSmtpPassword ? 'cleared' : input.smtpPassword ? 'set' : 'kept';
    const encrypted = passwordChange === 'set' ? encryptSecret(input.smtpPassword!) : undefined;
    await tx
      .insert(systemSettings)
      .values({ tenantId, settings: next, smtpPasswordEncrypted: encrypted ?? null, updatedBy: actor.id })
      .onConflictDoUpdate({
        target: systemSettings.tenantId,
        set: {
          settings: next,
          updatedBy: actor.id,
          updatedAt: new Date(),
          ...(passwordChange === 'kept' ? {} : { smtpPasswordEncrypted: encrypted ?? null }),
        },
      });
    const changed = Object.fromEntries(
      Object.entries(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(current[k as keyof TenantSettings])),
    );
    return {
      data: {
        ...next,
        smtpPasswordSet: passwordChange === 'set' || (passwordChange === 'kept' && current.smtpPasswordSet),
      },
      audit: {
        resourceId: tenantId,
        resourceName: 'tenant settings',
        metadata: { changed, smtpLogin: passwordChange },
      },
    };
  },
  revalidate: () => ['/settings'],
});

registerMutations(updateSettings);

/**
 * "Send test mail": one message through the tenant's SMTP settings, sent now (not through the outbox: the point is
 * the relay's answer), reported plainly — the relay's reply, its refusal, or the connection error. Recorded in the
 * audit trail with the recipient and the outcome.
 */
export async function sendTestMail(actor: Actor, rawTo: unknown): Promise<{ ok: boolean; message: string }> {
  const tenantId = requireTenantAdmin(actor);
  const to = z
    .email('Enter the address to send the test to')
    .safeParse(typeof rawTo === 'string' ? rawTo.trim() : rawTo);
  if (!to.success)
    throw new AppError('validation_failed', to.error.issues[0].message, { to: [to.error.issues[0].message] });
  const db = await getDb();
  const cfg = await tenantSmtp(db, tenantId);
  if (!cfg) throw new AppError('conflict', 'Mail is not set up: save an SMTP host and a sender address first');
  let outcome: { ok: boolean; message: string };
  try {
    const reply = await sendMail(cfg, {
      to: to.data,
      subject: 'Pangolin test mail',
      text: `This is a test from Pangolin Console, sent by ${actor.name} through ${cfg.host}:${cfg.port}.`,
    });
    outcome = { ok: true, message: `Sent to ${to.data}. The SMTP server answered: ${reply}` };
  } catch (err) {
    outcome = { ok: false, message: mailErrorText(err) };
  }
  await recordAuditEvent(db, {
    tenantId,
    actor: actorRef(actor),
    action: 'settings.test_mail',
    resourceType: 'settings',
    resourceId: tenantId,
    resourceName: 'tenant settings',
    result: outcome.ok ? 'success' : 'failure',
    errorMessage: outcome.ok ? null : outcome.message,
    request: actor.request,
    metadata: { to: to.data, host: cfg.host, port: cfg.port },
  });
  return outcome;
}
