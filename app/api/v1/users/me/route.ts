import { getMe } from '@/db/queries/users';
import { apiRoute } from '@/lib/api';

export const GET = apiRoute(async ({ actor }) => getMe(actor));
