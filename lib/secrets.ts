import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeKey, env } from './env';

type Secrets = { jwtSecret: string; encryptionKey: Buffer };
let cached: Secrets | undefined;

/**
 * The JWT signing secret and the AES-256-GCM key. Taken from PANGOLIN_JWT_SECRET / PANGOLIN_ENCRYPTION_KEY;
 * when unset (the embedded default), generated once and kept under the data directory so restarts keep
 * sessions and can still decrypt stored credentials. Several instances must share them: set the variables.
 */
/**
 * The keys this process would use, without generating any: from the variables, else from the data directory's
 * secrets.json. A key that is neither is undefined (start-up then checks the database's fingerprints before
 * letting `secrets()` generate one).
 */
export function configuredSecrets(): { jwtSecret?: string; encryptionKey?: Buffer } {
  const config = env();
  let stored: { jwtSecret?: string; encryptionKey?: string } = {};
  const file = path.resolve(config.PANGOLIN_DATA_DIR, 'secrets.json');
  if (!config.PANGOLIN_DATA_DIR.startsWith('memory://') && existsSync(file))
    stored = JSON.parse(readFileSync(file, 'utf8'));
  const key = config.PANGOLIN_ENCRYPTION_KEY ?? stored.encryptionKey;
  return {
    jwtSecret: config.PANGOLIN_JWT_SECRET ?? stored.jwtSecret,
    encryptionKey: key ? (decodeKey(key) ?? undefined) : undefined,
  };
}

export function secrets(): Secrets {
  if (cached) return cached;
  const config = env();
  let stored: { jwtSecret?: string; encryptionKey?: string } = {};
  const file = path.resolve(config.PANGOLIN_DATA_DIR, 'secrets.json');
  const needGenerated = !config.PANGOLIN_JWT_SECRET || !config.PANGOLIN_ENCRYPTION_KEY;
  if (needGenerated) {
    if (config.PANGOLIN_DATA_DIR.startsWith('memory://')) {
      stored = { jwtSecret: randomBytes(48).toString('base64url'), encryptionKey: randomBytes(32).toString('hex') };
    } else if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
    if (!stored.jwtSecret || !stored.encryptionKey) {
      stored = {
        jwtSecret: stored.jwtSecret ?? randomBytes(48).toString('base64url'),
        encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('hex'),
      };
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
      if (config.DATABASE_URL) {
        console.warn(
          `[secrets] generated ${file}; set PANGOLIN_JWT_SECRET and PANGOLIN_ENCRYPTION_KEY when running several instances`,
        );
      }
    }
  }
  cached = {
    jwtSecret: config.PANGOLIN_JWT_SECRET ?? stored.jwtSecret!,
    encryptionKey: decodeKey(config.PANGOLIN_ENCRYPTION_KEY ?? stored.encryptionKey!)!,
  };
  return cached;
}
