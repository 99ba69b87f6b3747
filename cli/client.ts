import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api';
import { readConfig, type CliConfig } from './config';

export type Api = Client<paths>;

/** A refusal: the server said no (4xx/5xx) or could not be reached. Exit code 1. */
export class Refused extends Error {
  constructor(
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/** Bad use of the CLI itself (a missing or wrong argument). Exit code 2. */
export class UsageError extends Error {}

type ApiError = { error?: { code?: string; message?: string; fields?: Record<string, string[]> } };

/** The answer of a typed call, or a Refused carrying the API's own message (and field errors). */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch (err) {
    throw unreachable(err);
  }
  if (answer.error !== undefined || !answer.response.ok) {
    const e = (answer.error as ApiError | undefined)?.error;
    throw new Refused(
      e?.message ?? `The server answered ${answer.response.status} ${answer.response.statusText}`,
      e?.fields,
    );
  }
  return answer.data as T;
}

export function unreachable(err: unknown): Refused {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return new Refused(`Could not reach the server: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
}

export type GlobalOptions = { server?: string; tenant?: string; output: 'table' | 'json' | 'yaml' };

/** Where to connect and as whom: flags, then the environment, then what `pangolin login` stored. */
export function connection(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
  const config: CliConfig = readConfig(env);
  const server = (opts.server ?? env.PANGOLIN_SERVER ?? config.server)?.replace(/\/+$/, '');
  return { server, token: env.PANGOLIN_TOKEN ?? config.token, tenant: opts.tenant ?? config.tenant, config };
}

export function serverOf(opts: GlobalOptions): string {
  const { server } = connection(opts);
  if (!server)
    throw new UsageError('No server: pass --server <url> or set PANGOLIN_SERVER (pangolin login remembers it)');
  if (!/^https?:\/\//.test(server)) throw new UsageError(`--server must be an http(s) URL, not "${server}"`);
  return server;
}

/** A client for the signed-in person (or PANGOLIN_TOKEN), sending the chosen tenant for Root. */
export function signedInClient(opts: GlobalOptions): Api {
  const server = serverOf(opts);
  const { token, tenant } = connection(opts);
  if (!token) throw new Refused('Not signed in: run `pangolin login` (or set PANGOLIN_TOKEN)');
  return createClient<paths>({
    baseUrl: server,
    headers: { authorization: `Bearer ${token}`, ...(tenant ? { 'x-pangolin-tenant': tenant } : {}) },
  });
}

export const anonymousClient = (opts: GlobalOptions): Api => createClient<paths>({ baseUrl: serverOf(opts) });
