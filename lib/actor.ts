import type { BuiltinRole } from '@/db/schema';

export type RequestInfo = { ip: string | null; userAgent: string | null; requestId: string };

/** Who is acting, in which tenant, from where. Every query and mutation takes one explicitly. */
export type Actor = {
  kind: 'user' | 'service_user';
  id: string;
  name: string;
  role: BuiltinRole;
  /** The tenant the account belongs to (null for Root). */
  homeTenantId: string | null;
  /** The tenant being acted in: the home tenant, or the one Root selected (null = no tenant selected). */
  tenantId: string | null;
  tokenHash?: string;
  /** When the credential this request came with stops working (epoch ms; absent: it does not expire). */
  credentialExpiresAt?: number;
  /** Signed in with a temporary password: nothing but choosing a new one until then (profile, sign-out). */
  mustChangePassword?: boolean;
  /** A console session of an admin the operator requires a second factor of, not enrolled yet: nothing but that. */
  mustEnrolTwoFactor?: boolean;
  request: RequestInfo;
};

/**
 * What a signed-in person must do before anything else, or null: choose their own password (after a generated
 * one), then set up two-factor sign-in (when the operator requires it of their role).
 */
export function pendingFirstStep(actor: Actor): string | null {
  if (actor.mustChangePassword) return 'Choose a new password first: you signed in with a temporary one';
  if (actor.mustEnrolTwoFactor) return 'Set up two-factor sign-in first: it is required for your role';
  return null;
}

export const isRoot = (actor: Actor) => actor.role === 'root';

/** A system actor for start-up tasks, the CLI and tests. */
export function systemActor(requestId = 'system'): Actor {
  return {
    kind: 'user',
    id: '00000000-0000-0000-0000-000000000000',
    name: 'system',
    role: 'root',
    homeTenantId: null,
    tenantId: null,
    request: { ip: null, userAgent: 'pangolin-cli', requestId },
  };
}
