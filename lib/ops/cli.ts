import { closeDb, type Queryable } from '@/db/client';
import { checkKeyFingerprints, KeyMismatchError } from '../key-fingerprints';
import { EnvError } from '../env';
import { OpsError } from './pg-tools';

export type CliArgs = { positional: string[]; flags: Set<string> };

/** `FILE --force --dry-run` → positional arguments and the flags among `known`; anything else is refused. */
export function parseArgs(argv: string[], known: string[], usage: string): CliArgs {
  const positional: string[] = [];
  const flags = new Set<string>();
  for (const a of argv) {
    if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (a.startsWith('--')) {
      if (!known.includes(a)) fail(`Unknown option ${a}\n\n${usage}`);
      flags.add(a);
    } else positional.push(a);
  }
  return { positional, flags };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Operator-facing errors print as they are; anything unexpected keeps its stack for a bug report. */
export function reportFailure(err: unknown): never {
  if (err instanceof OpsError || err instanceof EnvError) fail(err.message);
  const e = err as Error & { cause?: Error };
  fail(`Unexpected failure: ${e?.stack ?? err}${e?.cause ? `\ncaused by: ${e.cause.message}` : ''}`);
}

/**
 * For scripts that seal credentials or chain audit rows: stop (exit 2, naming the variable) unless the keys are
 * the ones the database was initialised with (lib/key-fingerprints.ts).
 */
export async function requireDatabaseKeys(db: Queryable): Promise<void> {
  try {
    await checkKeyFingerprints(db);
  } catch (err) {
    if (!(err instanceof KeyMismatchError)) throw err;
    console.error(err.message);
    await closeDb().catch(() => undefined);
    process.exit(2);
  }
}

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
