import type { Actor } from '../actor';
import { AppError } from '../errors';

/* The reference system's spellings of a user body (README: "Reference-compatible requests"). */

const ROLES: Record<string, string> = { TenantAdmin: 'tenant_admin', TenantUser: 'tenant_user' };

/**
 * A user body as the reference system's clients send it, in our terms: `role: "TenantAdmin" | "TenantUser"`,
 * `display_name`; `tenant_id` naming the caller's own tenant is dropped. Where we deliberately differ, the 422 says
 * what to send instead. Anything else is left for the mutation's schema to judge.
 */
export function fromReferenceUserBody(body: unknown, actor: Actor): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const b: Record<string, unknown> = { ...body };
  if (b.role === 'Root' || b.role === 'root')
    throw new AppError(
      'validation_failed',
      'Root accounts are not created over the API (the operator names Root with PANGOLIN_ROOT_USER): send role tenant_admin or tenant_user',
      { role: ['Send tenant_admin or tenant_user'] },
    );
  if (typeof b.role === 'string' && b.role in ROLES) b.role = ROLES[b.role];
  if ('display_name' in b && !('displayName' in b)) {
    b.displayName = b.display_name;
    delete b.display_name;
  }
  if ('tenant_id' in b) {
    if (b.tenant_id !== actor.tenantId)
      throw new AppError(
        'validation_failed',
        'tenant_id is not read from the body: Root chooses the tenant with the X-Pangolin-Tenant header (id or name); everyone else creates users in their own tenant',
        { tenant_id: ['Send the X-Pangolin-Tenant header instead'] },
      );
    delete b.tenant_id;
  }
  return b;
}
