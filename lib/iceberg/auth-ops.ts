import { getDb } from '@/db/client';
import type { Actor, RequestInfo } from '../actor';
import { authenticateApiRequest } from '../auth/api-auth';
import { signInWithPassword } from '../auth/login';
import { toAppError } from '../errors';
import { catalogContext } from './context';
import { defaultCatalogOf } from './queries/objects';
import { IDEMPOTENCY_KEY_LIFETIME } from './idempotency';
import { badRequest } from './errors';
import { json } from './http';
import { readCappedText } from '../body';

/** Endpoints this server implements, announced in /v1/config so clients do not probe for the rest. */
export const ENDPOINTS = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'GET /v1/{prefix}/namespaces/{namespace}/views',
  'POST /v1/{prefix}/namespaces/{namespace}/views',
  'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/views/rename',
];

/**
 * GET /v1/config?warehouse=<catalog name or id>: the catalog's prefix is its id (unique across tenants). Without
 * `warehouse`, the tenant's default catalog (Settings) or its only one.
 */
export async function getConfig(actor: Actor, warehouse: string | null) {
  const chosen = warehouse || (actor.tenantId ? await defaultCatalogOf(await getDb(), actor.tenantId) : null);
  if (!chosen)
    throw badRequest(
      'Pass ?warehouse=<catalog name> to select the catalog (its id also works), or set a default catalog in Settings',
    );
  const ctx = await catalogContext(actor, chosen);
  return json({
    defaults: {},
    overrides: { prefix: ctx.catalog.id, 'namespace-separator': '%1F' },
    endpoints: ENDPOINTS,
    'idempotency-key-lifetime': IDEMPOTENCY_KEY_LIFETIME,
  });
}

const oauthError = (status: number, error: string, description: string) =>
  json({ error, error_description: description }, status);

const KEY_ID = /^(?:pgl_)?([0-9a-f]{16})$/;

/**
 * POST /v1/oauth/tokens, client-credentials grant (the deprecated Iceberg OAuth2 endpoint, for clients
 * configured with `credential=<id>:<secret>`). client_id/client_secret are either a service user's key id and
 * secret (the token is then the key itself) or a username and password (a tracked API token is issued).
 */
export async function issueOAuthToken(req: Request, request: RequestInfo) {
  const form = await readForm(req);
  const basic = req.headers.get('authorization')?.match(/^Basic\s+(.+)$/i)?.[1];
  let clientId = form.get('client_id') ?? '';
  let clientSecret = form.get('client_secret') ?? '';
  if (basic && !clientId) {
    // RFC 6749 2.3.1: base64 of form-urlencoded id ":" secret. Anything else is the client's mistake, a 400.
    let decoded = '';
    try {
      // fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD and tried as a password.
      if (/^[A-Za-z0-9+/]+={0,2}$/.test(basic))
        decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(basic, 'base64'));
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new Error('no colon');
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      return oauthError(
        400,
        'invalid_request',
        'The Basic authorization header must be base64 of client_id:client_secret',
      );
    }
  }
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials')
    return oauthError(
      400,
      'unsupported_grant_type',
      'Only the client_credentials grant is supported; tokens last PANGOLIN_SESSION_TTL_SECS',
    );
  if (!clientId || !clientSecret) return oauthError(400, 'invalid_request', 'client_id and client_secret are required');
  const keyId = KEY_ID.exec(clientId)?.[1];
  try {
    if (keyId) {
      const key = `pgl_${keyId}_${clientSecret}`;
      await authenticateApiRequest(await getDb(), new Headers({ 'x-api-key': key }), request);
      return json({
        access_token: key,
        token_type: 'bearer',
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      });
    }
    const { token } = await signInWithPassword({
      username: clientId,
      password: clientSecret,
      request,
      kind: 'api_token',
    });
    return json({
      access_token: token.jwt,
      token_type: 'bearer',
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      expires_in: Math.max(1, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000)),
    });
  } catch (err) {
    const app = toAppError(err);
    if (app?.code === 'unauthenticated') return oauthError(401, 'invalid_client', app.message);
    if (app?.code === 'too_many_requests') return oauthError(400, 'invalid_client', app.message);
    throw err;
  }
}

/** A token request is a few hundred bytes: 64 KiB is plenty, and nothing larger is read. */
const MAX_TOKEN_REQUEST_BYTES = 64 * 1024;

async function readForm(req: Request): Promise<URLSearchParams> {
  const text = await readCappedText(req, MAX_TOKEN_REQUEST_BYTES);
  if ((req.headers.get('content-type') ?? '').includes('application/json')) {
    try {
      return new URLSearchParams(
        Object.entries(JSON.parse(text) as Record<string, string>).map(([k, v]) => [k, String(v)]),
      );
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}
