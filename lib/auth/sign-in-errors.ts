/**
 * Marks a console sign-in error about the second factor (lib/auth/next-auth.ts throws it, the login form reads it),
 * so the form shows or keeps the code step. Client-safe: no server imports.
 */
export const TWO_FACTOR_PREFIX = 'TwoFactor:';
