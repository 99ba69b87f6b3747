// GET /api/v1/app-config
import { publicRoute } from '@/lib/api';
import { env } from '@/lib/env';

/** What a client (the reference system's UI and CLIs ask this first) needs before signing in. */
export const GET = publicRoute(async () => ({
  authEnabled: true as const,
  passwordLogin: env().PANGOLIN_PASSWORD_LOGIN,
  apiVersion: 'v1' as const,
  icebergRestPrefix: '/v1' as const,
  documentation: { openapi: '/api/v1/openapi.json', reference: '/api/docs' },
}));
