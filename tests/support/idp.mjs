// A real OpenID Connect provider for the tests: oidc-provider (a certified implementation) on a loopback port, with
// its development login and consent pages, one confidential client for the console and clients for
// client-credentials tokens (JWT access tokens for the console's audience, through resource indicators).
// Used in-process by tests/sso.test.ts and as a Playwright web server by e2e/sso.spec.ts:
//   node tests/support/idp.mjs <port> <console origin> <audience>
// POST /test/accounts/<login> {"groups": [...], "email": "..."} sets a test account's claims (loopback only).
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import Provider from 'oidc-provider';

export const IDP_CLIENT = { id: 'pangolin-console', secret: 'pangolin-console-secret-for-tests' };
/** Client-credentials clients: the token's subject is the client id (what the console maps to a user). */
export const IDP_MACHINES = ['etl-robot', 'short-lived', 'fresh-robot', 'stray-robot'];
const MACHINE_SECRET = 'machine-secret-for-tests';

/**
 * Starts the provider. `port` 0 picks a free one. Accounts not set up have no groups; any password signs in (the
 * development login page of oidc-provider).
 * @param {{ port?: number, consoleOrigin?: string, audience: string }} opts
 */
export async function startIdp(opts) {
  /** @type {Map<string, Record<string, unknown>>} */
  const accounts = new Map();
  const server = http.createServer();
  await new Promise((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = `http://127.0.0.1:${port}`;
  const origin = opts.consoleOrigin ?? 'http://127.0.0.1:3000';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: IDP_CLIENT.id,
        client_secret: IDP_CLIENT.secret,
        redirect_uris: [`${origin}/api/auth/callback/oidc`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
      ...IDP_MACHINES.map((id) => ({
        client_id: id,
        client_secret: MACHINE_SECRET,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
      })),
    ],
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            preferred_username: id,
            name: id,
            email: `${id}@idp.example`,
            groups: [],
            ...accounts.get(id),
          };
        },
      };
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    scopes: ['openid', 'profile', 'email', 'groups', 'offline_access', 'api'],
    // The groups claim in the ID token too (as a Keycloak mapper with "Add to ID token" does).
    conformIdTokenClaims: false,
    // A machine client's groups in its access tokens (as Keycloak's groups mapper does for a service account).
    extraTokenClaims: (_ctx, token) =>
      token.kind === 'ClientCredentials' && accounts.get(token.clientId)
        ? { groups: accounts.get(token.clientId)?.groups ?? [] }
        : undefined,
    cookies: { keys: ['test-cookie-key-not-secret'] },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx, resource, client) => ({
          scope: 'api',
          audience: resource,
          accessTokenFormat: 'jwt',
          accessTokenTTL: client.clientId === 'short-lived' ? 1 : 300,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('idp server_error', err));
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const m = /^\/test\/accounts\/([^/?]+)$/.exec(req.url ?? '');
    if (m && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        accounts.set(decodeURIComponent(m[1]), JSON.parse(body || '{}'));
        res.writeHead(204).end();
      });
      return;
    }
    callback(req, res);
  });

  return {
    issuer,
    port,
    /** @param {string} login @param {Record<string, unknown>} claims */
    setAccount(login, claims) {
      accounts.set(login, claims);
    },
    /**
     * A client-credentials access token (a JWT) for `resource`, from the provider's token endpoint.
     * @param {string} clientId @param {string} resource
     */
    async machineToken(clientId, resource) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${MACHINE_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'api' }),
      });
      const json = await res.json();
      if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(json)}`);
      return /** @type {string} */ (json.access_token);
    },
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [port, consoleOrigin, audience] = process.argv.slice(2);
  const idp = await startIdp({ port: Number(port), consoleOrigin, audience });
  console.log(`idp listening at ${idp.issuer}`);
}
