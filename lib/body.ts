import { AppError } from './errors';

/**
 * A request body as text, read with a cap: refused on its Content-Length before a byte is read, and otherwise
 * counted as it streams, the read cancelled the moment it passes the cap (a chunked body has no length to
 * trust). Nothing larger than `maxBytes` is ever held in memory, whoever sends it.
 */
export async function readCappedText(req: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes`);
  const declared = req.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) throw new AppError('bad_request', 'The Content-Length header is not a number');
    if (Number(declared) > maxBytes) throw tooLarge();
  }
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

/** How deeply a parsed JSON value nests (counted without recursion, so any input is safe to measure). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}

/** Bodies nest this deep at most: an Iceberg schema of a few levels of structs, lists and maps is far below it. */
export const MAX_JSON_DEPTH = 100;

/** Refuses a body nested deeper than MAX_JSON_DEPTH (a recursive validator would otherwise run out of stack). */
export function assertJsonDepth(value: unknown): void {
  if (jsonDepth(value) > MAX_JSON_DEPTH)
    throw new AppError('bad_request', `The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
}
