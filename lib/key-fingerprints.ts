import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Queryable } from '@/db/client';
import { keyFingerprints } from '@/db/schema';
import { configuredSecrets, secrets } from './secrets';

/** A process whose keys are not the ones the database was initialised with: it must not start. */
export class KeyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyMismatchError';
  }
}

const LABEL = 'pangolin key fingerprint v1';
/** HMAC of a fixed label under the key: the same key always gives it, and it tells nothing of the key. */
export const fingerprintOf = (key: Buffer | string) =>
  createHmac('sha256', key).update(LABEL).digest('hex').slice(0, 16);

const VARIABLES = { encryption_key: 'PANGOLIN_ENCRYPTION_KEY', jwt_secret: 'PANGOLIN_JWT_SECRET' } as const;
type Name = keyof typeof VARIABLES;

/**
 * Compares the keys with the fingerprints stored at the database's first start, before any key is generated:
 * a key that is missing or different stops the process with a message naming the variable (never "tampering",
 * never a new key). A database without fingerprints (new, or from before them) stores the current keys'
 * (generating them where the embedded default does), first writer wins among instances starting together.
 */
export async function checkKeyFingerprints(
  db: Queryable,
  given: { jwtSecret?: string; encryptionKey?: Buffer } = configuredSecrets(),
): Promise<void> {
  const stored = new Map((await db.select().from(keyFingerprints)).map((r) => [r.name as Name, r.fingerprint]));
  const have: Record<Name, Buffer | string | undefined> = {
    encryption_key: given.encryptionKey,
    jwt_secret: given.jwtSecret,
  };
  for (const name of Object.keys(VARIABLES) as Name[]) {
    const expected = stored.get(name);
    if (!expected) continue;
    const key = have[name];
    if (!key) {
      throw new KeyMismatchError(
        `${VARIABLES[name]} is not set, but this database was initialised with one (fingerprint ${expected}). Set ${VARIABLES[name]} to the key it was started with, or point PANGOLIN_DATA_DIR at the folder whose secrets.json holds it; no new key was generated.`,
      );
    }
    const actual = fingerprintOf(key);
    if (actual !== expected) {
      throw new KeyMismatchError(
        `${VARIABLES[name]} does not match the key this database was initialised with (fingerprint ${expected}, this process has ${actual}). Set ${VARIABLES[name]} to the key it was started with; ${name === 'encryption_key' ? 'stored credentials and the audit chain need it' : 'sessions and API tokens are signed with it'}.`,
      );
    }
  }
  if (stored.size === Object.keys(VARIABLES).length) return;
  // First start (or the first with fingerprints): these keys become the database's.
  const keys = given.encryptionKey && given.jwtSecret ? given : secrets();
  const values = [
    { name: 'encryption_key', fingerprint: fingerprintOf((keys.encryptionKey ?? secrets().encryptionKey)!) },
    { name: 'jwt_secret', fingerprint: fingerprintOf((keys.jwtSecret ?? secrets().jwtSecret)!) },
  ].filter((v) => !stored.has(v.name as Name));
  await db.insert(keyFingerprints).values(values).onConflictDoNothing();
  // Another instance may have stored its own a moment earlier: compare with what won.
  const won = new Map(
    (
      await db.execute<{ name: string; fingerprint: string }>(sql`SELECT name, fingerprint FROM key_fingerprints`)
    ).rows.map((r) => [r.name, r.fingerprint]),
  );
  for (const v of values) {
    if (won.get(v.name) !== v.fingerprint)
      throw new KeyMismatchError(
        `${VARIABLES[v.name as Name]} differs from the one another instance initialised this database with (fingerprint ${won.get(v.name)}): every instance needs the same keys.`,
      );
  }
}
