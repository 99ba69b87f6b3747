import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from './client';

/**
 * A password or secret: from standard input (`--password-stdin`, for scripts: the whole input, one trailing newline
 * dropped), else PANGOLIN_PASSWORD, else asked on the terminal without echo.
 */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const value = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (!value) throw new UsageError('Standard input was empty: pipe the password in');
    return value;
  }
  if (process.env.PANGOLIN_PASSWORD) return process.env.PANGOLIN_PASSWORD;
  if (!process.stdin.isTTY)
    throw new UsageError('No password: pass --password-stdin (and pipe it in) or run in a terminal');
  process.stderr.write('Password: ');
  // Nothing typed is echoed: the readline writes into a sink.
  const rl = createInterface({
    input: process.stdin,
    output: new Writable({ write: (_c, _e, cb) => cb() }),
    terminal: true,
  });
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}
