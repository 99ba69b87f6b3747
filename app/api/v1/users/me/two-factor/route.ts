// GET, POST, DELETE /api/v1/users/me/two-factor
import { apiRoute, mutate, readJson } from '@/lib/api';
import { twoFactorStatus } from '@/lib/governance/queries/users';
import { disableTwoFactor, startTwoFactor } from '@/lib/governance/two-factor';
import { requirePerson } from '@/lib/governance/guards';

/** One's own second factor: `{ enabled, enabledAt, pending, recoveryCodesLeft, required }`. */
export const GET = apiRoute(async ({ actor }) => {
  requirePerson(actor, 'Only people sign in with a second factor; service users use API keys');
  return twoFactorStatus(actor);
});

/** Starts enrolment: answers `{ secret, uri, qrCode }` (the otpauth:// URI and a data: URL of its QR code). */
export const POST = apiRoute(async ({ actor }) => mutate(startTwoFactor, actor, {}));

/** `{ currentPassword }`: turns one's second factor off (refused where the operator requires it). */
export const DELETE = apiRoute(async ({ req, actor }) => mutate(disableTwoFactor, actor, await readJson(req)));
