/** Active, expired or revoked: what the API would do with this key right now. */
export function keyStatus(
  su: { active: boolean; expiresAt: Date | null },
  now = Date.now(),
): 'active' | 'expired' | 'revoked' {
  if (!su.active) return 'revoked';
  if (su.expiresAt && su.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}
