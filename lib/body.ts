import { AppError } from './errors';

/**
 * A request body as text, read with a cap: refused on its Content-Length before a byte is read, and otherwise
 * counted as it streams, the read cancelled the moment it passes the cap (a chunked body has no length to
 * trust). Nothing larger than `maxBytes` is ever held in memory, whoever sends it.
 */
export async function readCappedText(req: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => new AppError('payload_too_large', `The request body is larger than ${maxBytes} bytes`);
  const declared = req.headers.get('content-length');
  if (declared !== null && (!/^\d+$/.test(declared.trim()) || Number(declared) > maxBytes)) {
    if (/^\d+$/.test(declared.trim())) throw tooLarge();
    throw new AppError('bad_request', 'The Content-Length header is not a number');
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
