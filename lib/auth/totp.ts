import { createHmac, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { BuiltinRole } from '@/db/schema';
import { env } from '../env';
import { secrets } from '../secrets';

/**
 * Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s, the defaults every authenticator app reads),
 * through the otpauth library; the QR code through qrcode. A code is accepted one step either side of now (clock
 * drift) and never twice: the step it matched is returned and kept (users.totp_last_step).
 */
const ISSUER = 'Pangolin';
const PERIOD = 30;

const totp = (secretBase32: string, username = '') =>
  new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: Secret.fromBase32(secretBase32),
  });

/** A fresh 160-bit secret (RFC 4226's recommended length), base32 as authenticator apps take it. */
export function newTotpSecret(username: string) {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, uri: totp(secret, username).toString() };
}

/** The otpauth:// URI as a QR code image (a data: URL) for the enrolment page. */
export const qrCodeDataUrl = (uri: string) =>
  QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 200 });

export const TOTP_CODE = /^\d{6}$/;

/**
 * The time step `code` is valid for (now, or one step before or after); `reused` if it is valid but its step is not
 * after `lastStep` (already used: a replay); null if it is not a valid code.
 */
export function matchTotp(
  secretBase32: string,
  code: string,
  lastStep: number | null,
  now = Date.now(),
): number | 'reused' | null {
  const clean = code.replace(/\s+/g, '');
  if (!TOTP_CODE.test(clean)) return null;
  const delta = totp(secretBase32).validate({ token: clean, window: 1, timestamp: now });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  return lastStep !== null && step <= lastStep ? 'reused' : step;
}

/** The current code of a secret (for tests and the enrolment check in tests; never sent to a client). */
export const totpCodeAt = (secretBase32: string, when = Date.now()) => totp(secretBase32).generate({ timestamp: when });

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

/** Ten single-use recovery codes `xxxx-xxxx-xxxx` (31 symbols, 12 places: about 59 bits each). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 12 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
    return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
  });
}

export const looksLikeRecoveryCode = (code: string) => /^[a-z0-9]{4}-?[a-z0-9]{4}-?[a-z0-9]{4}$/i.test(code.trim());

/**
 * Only an HMAC of a recovery code is stored, keyed with the server's encryption key: a copy of the database alone
 * does not let anyone test guesses.
 */
export function recoveryCodeHash(code: string): string {
  const normal = code.trim().toLowerCase().replace(/-/g, '');
  return createHmac('sha256', secrets().encryptionKey).update(`recovery:${normal}`).digest('hex');
}

/** Whether the operator requires a second factor of this role (PANGOLIN_REQUIRE_2FA=admins: Root and TenantAdmins). */
export const twoFactorRequiredFor = (role: BuiltinRole) =>
  env().PANGOLIN_REQUIRE_2FA === 'admins' && (role === 'root' || role === 'tenant_admin');
