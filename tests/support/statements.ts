// What requests send to PostgreSQL, for tests that count round trips: every statement any pg client sends (the app's
// pool included) is recorded while `statementsOf` runs. And the credentials cache, which such counts depend on: it
// starts listening with the first token it resolves and is used once a ping proved it hears change notices.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import * as catalogsRoute from '@/app/api/v1/catalogs/route';
import { call } from './catalog';

let captured: string[] | null = null;
const original = pg.Client.prototype.query;

/** Records statements from the file's first test to its last (install with this at the top level of a test file). */
export function recordStatements(): void {
  beforeAll(() => {
    pg.Client.prototype.query = function recorded(this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text: string };
      captured?.push(typeof first === 'string' ? first : first.text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof pg.Client.prototype.query;
  });
  afterAll(() => {
    pg.Client.prototype.query = original;
  });
}

/** Runs `f` and answers what it returned with the statements sent meanwhile. */
export async function statementsOf<T>(f: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  captured = [];
  try {
    const result = await f();
    return { result, statements: captured };
  } finally {
    captured = null;
  }
}

/** A statement that resolves a token from the database (not from the cache). */
export const resolvesToken = (statement: string) => /FROM "?active_tokens"? t JOIN/.test(statement);

/** Waits until a request with `token` is answered without resolving it from the database. */
export async function credentialCacheReady(token: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await call(catalogsRoute.GET, '/api/v1/catalogs', { as: { token } });
    const { statements } = await statementsOf(() => call(catalogsRoute.GET, '/api/v1/catalogs', { as: { token } }));
    if (!statements.some(resolvesToken)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the credentials cache never started serving (is the listener refused?)');
}
