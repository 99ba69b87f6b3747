// The credentials cache starts listening with the first token it resolves and is used once a ping proved it hears
// change notices: tests that count statements wait for that first.
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import { call } from './catalog';

/** A statement that resolves a token from the database (not from the cache). */
export const resolvesToken = (statement: string) => /FROM "?active_tokens"? t JOIN/.test(statement);

/** Waits until a request with `token` is answered without resolving it from the database. */
export async function credentialCacheReady(
  token: string,
  statementsOf: (f: () => Promise<unknown>) => Promise<{ statements: string[] }>,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await call(catalogsRoute.GET, '/api/v1/catalogs', { as: { token } });
    const { statements } = await statementsOf(() => call(catalogsRoute.GET, '/api/v1/catalogs', { as: { token } }));
    if (!statements.some(resolvesToken)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the credentials cache never started serving (is the listener refused?)');
}
