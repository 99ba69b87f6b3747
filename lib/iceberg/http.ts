import type { z } from 'zod';
import type { Actor } from '../actor';
import { executeMutation, revalidateAfterApiChange, type Mutation } from '../mutation';
import { badRequest } from './errors';
import { parseJson, stringifyJson } from './json';
import { jsonDepth, MAX_JSON_DEPTH, readCappedText } from '../body';

export const MAX_BODY_BYTES = 10_000_000;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(stringifyJson(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A response whose body is already JSON text (a cached metadata file spliced in without re-serialising). */
export function rawJson(text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status: 200, headers: { 'Content-Type': 'application/json', ...headers } });
}

export const noContent = () => new Response(null, { status: 204 });

export async function readRaw(req: Request): Promise<unknown> {
  const text = await readCappedText(req, MAX_BODY_BYTES);
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    throw badRequest(
      `Malformed request: the body is not valid JSON (${err instanceof RangeError ? 'nested too deeply' : (err as Error).message})`,
    );
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH)
    throw badRequest(`Malformed request: the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}

/** Validates a body readRaw returned (readRaw has already refused one nested too deeply for this to recurse on). */
export function parseBody<S extends z.ZodType>(raw: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw badRequest(`Malformed request: ${where}${issue?.message ?? 'invalid body'}`);
}

/** Runs a catalog mutation (authorize → transaction → audit row), then its revalidate step (lib/mutation.ts). */
export async function mutate<S extends z.ZodType, O>(m: Mutation<S, O>, actor: Actor, input: z.input<S>): Promise<O> {
  const { data, paths } = await executeMutation(m, actor, input);
  revalidateAfterApiChange(paths);
  return data;
}
