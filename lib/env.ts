import path from 'node:path';
import { z } from 'zod';

const intInRange = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const envSchema = z
  .object({
    DATABASE_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_URL must start with postgres:// or postgresql://',
    }),
    DATABASE_MAX_CONNECTIONS: intInRange('DATABASE_MAX_CONNECTIONS', 1, 1000, 10),
    DATABASE_MIN_CONNECTIONS: intInRange('DATABASE_MIN_CONNECTIONS', 0, 1000, 2),
    DATABASE_CONNECT_TIMEOUT: intInRange('DATABASE_CONNECT_TIMEOUT', 1, 3600, 30),
    /** A streaming replica of DATABASE_URL for heavy reads (db/replica.ts); PostgreSQL only. */
    DATABASE_REPLICA_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_REPLICA_URL must start with postgres:// or postgresql://',
    }),
    /** A replica further behind than this is skipped (reads go to the primary) until it catches up. */
    DATABASE_REPLICA_MAX_LAG_SECS: intInRange('DATABASE_REPLICA_MAX_LAG_SECS', 1, 3600, 10),
    /** Named prepared statements on the pool's connections (db/statements.ts); false behind PgBouncer before 1.21 in transaction mode. */
    DATABASE_PREPARED_STATEMENTS: z
      .enum(['true', 'false', ''], { message: 'DATABASE_PREPARED_STATEMENTS must be true or false' })
      .optional()
      .transform((v) => v !== 'false'),
    /** Where the credentials cache listens for change notices (lib/auth/credential-cache.ts): PostgreSQL itself, not a transaction-mode PgBouncer. */
    DATABASE_LISTEN_URL: optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      message: 'DATABASE_LISTEN_URL must start with postgres:// or postgresql://',
    }),
    /** How long a resolved token or key may be reused while change notices keep it current; 0 turns the cache off. */
    PANGOLIN_CREDENTIALS_CACHE_SECS: intInRange('PANGOLIN_CREDENTIALS_CACHE_SECS', 0, 3600, 60),
    PANGOLIN_DATA_DIR: z.string().default('.data'),
    PANGOLIN_ROOT_USER: optionalText.refine((v) => v === undefined || /^[a-zA-Z0-9_.-]{1,64}$/.test(v), {
      message: 'PANGOLIN_ROOT_USER may only contain letters, digits, ".", "_" and "-" (at most 64)',
    }),
    PANGOLIN_ROOT_PASSWORD: optionalText.refine((v) => v === undefined || v.length >= 12, {
      message: 'PANGOLIN_ROOT_PASSWORD must be at least 12 characters (as every other password)',
    }),
    PANGOLIN_LOCAL_STORAGE_ROOT: optionalText.refine(
      (v) => v === undefined || path.isAbsolute(v) || !v.includes('\0'),
      {
        message: 'PANGOLIN_LOCAL_STORAGE_ROOT must be a folder path',
      },
    ),
    PANGOLIN_ALLOW_SHARED_STORAGE: z.enum(['true', 'false', '']).optional(),
    PANGOLIN_TRUSTED_PROXIES: optionalText.refine(
      (v) => v === undefined || v.split(',').every((e) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(e.trim())),
      {
        message:
          'PANGOLIN_TRUSTED_PROXIES must be addresses or CIDRs separated by commas, such as 10.0.0.0/8,127.0.0.1',
      },
    ),
    PANGOLIN_JWT_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, {
      message: 'PANGOLIN_JWT_SECRET must be at least 32 characters',
    }),
    PANGOLIN_ENCRYPTION_KEY: optionalText.refine((v) => v === undefined || decodeKey(v) !== null, {
      message: 'PANGOLIN_ENCRYPTION_KEY must be 32 bytes, written as 64 hex digits or base64',
    }),
    PANGOLIN_SESSION_TTL_SECS: intInRange('PANGOLIN_SESSION_TTL_SECS', 60, 60 * 60 * 24 * 30, 60 * 60 * 12),
    /** How long storage credentials vended to Iceberg engines live (never longer than the caller's own token). */
    PANGOLIN_VENDED_CREDENTIALS_TTL_SECS: intInRange('PANGOLIN_VENDED_CREDENTIALS_TTL_SECS', 60, 60 * 60 * 12, 900),
    /** `admins`: Root and TenantAdmins must enrol a second factor (TOTP) before anything else; `off`: optional. */
    PANGOLIN_REQUIRE_2FA: z
      .enum(['off', 'admins', ''], { message: 'PANGOLIN_REQUIRE_2FA must be off or admins' })
      .optional()
      .transform((v) => (v === 'admins' ? 'admins' : 'off')),
    /** `false`: only Root signs in with a password (break-glass; lib/auth/oidc.ts), and no HTTP Basic on /api/v1. */
    PANGOLIN_PASSWORD_LOGIN: z
      .enum(['true', 'false', ''], { message: 'PANGOLIN_PASSWORD_LOGIN must be true or false' })
      .optional()
      .transform((v) => v !== 'false'),
    PANGOLIN_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** The console's public URL (links in mails): https://lake.example.com, no trailing path. */
    PANGOLIN_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/[^/?#]+\/?$/.test(v.trim()), {
      message: "PANGOLIN_URL must be the console's public URL, such as https://lake.example.com",
    }),
    /** `true`: webhook URLs may be plain http:// (a receiver inside a trusted network); otherwise HTTPS only. */
    PANGOLIN_WEBHOOKS_ALLOW_HTTP: z
      .enum(['true', 'false', ''], { message: 'PANGOLIN_WEBHOOKS_ALLOW_HTTP must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
    /** First retry of a failed mail or webhook after this many seconds, doubling each time (8 retries). */
    PANGOLIN_DELIVERY_RETRY_SECS: intInRange('PANGOLIN_DELIVERY_RETRY_SECS', 1, 3600, 30),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_MIN_CONNECTIONS > env.DATABASE_MAX_CONNECTIONS) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_MIN_CONNECTIONS'],
        message: `DATABASE_MIN_CONNECTIONS (${env.DATABASE_MIN_CONNECTIONS}) must not exceed DATABASE_MAX_CONNECTIONS (${env.DATABASE_MAX_CONNECTIONS})`,
      });
    }
    if (env.DATABASE_REPLICA_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_REPLICA_URL'],
        message:
          'DATABASE_REPLICA_URL needs DATABASE_URL: the embedded database (PGlite) has no replica; unset it or set DATABASE_URL to the primary',
      });
    }
    if ((env.PANGOLIN_ROOT_USER === undefined) !== (env.PANGOLIN_ROOT_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PANGOLIN_ROOT_PASSWORD'],
        message: 'PANGOLIN_ROOT_USER and PANGOLIN_ROOT_PASSWORD must be set together',
      });
    }
  });

export type Env = z.output<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses an environment; every problem is reported with the variable it concerns. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? 'environment');
    return issue.message.includes(variable) ? issue.message : `${variable}: ${issue.message}`;
  });
  throw new EnvError(problems);
}

let cached: Env | undefined;

/** The process environment, validated once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Accepts a 32-byte key as 64 hex digits or base64. */
export function decodeKey(value: string): Buffer | null {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b64 = Buffer.from(trimmed, 'base64');
  return b64.length === 32 ? b64 : null;
}
