import 'server-only';
import { notFound } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { isRoot } from '@/lib/actor';

/** Database health is Root's alone: anyone else gets the console's "not found", as for other tenants' objects. */
export async function requireHealthActor() {
  const actor = await requireActor();
  if (!isRoot(actor)) notFound();
  return actor;
}
