import 'server-only';
import { requireActor } from '@/lib/auth/session';
import { isRoot } from '@/lib/actor';

/**
 * Database health shows the whole server (every tenant's load), so it is Root's alone. For anyone else the layout
 * says so (OnlyRoot) and the pages render nothing: `const actor = await requireHealthActor();
  if (!actor) return null; if (!actor) return null;`.
 */
export async function requireHealthActor() {
  const actor = await requireActor();
  return isRoot(actor) ? actor : null;
}
