import { getUser } from '@/lib/governance/queries/users';
import { apiRoute, mutate } from '@/lib/api';
import { bodyWith } from '@/lib/governance/api';
import { assignRole } from '@/lib/governance/users';

type P = { id: string };

export const GET = apiRoute<P>(async ({ actor, params }) => ({ roles: (await getUser(actor, params.id)).roles }));
export const POST = apiRoute<P>(async ({ req, actor, params }) => mutate(assignRole, actor, await bodyWith(req, { userId: params.id })), { status: 201 });
