import type { PoolConfig } from 'pg';
import type { Env } from '@/lib/env';

/**
 * Pool settings from the documented variables. `sslmode` follows libpq's meaning (require = encrypted,
 * not verified; verify-full = verified), which node-postgres only does with `uselibpqcompat=true`.
 */
export function poolConfig(env: Env, applicationName = 'pangolin-console'): PoolConfig {
  const url = new URL(env.DATABASE_URL!);
  if (url.searchParams.has('sslmode') && !url.searchParams.has('uselibpqcompat')) {
    url.searchParams.set('uselibpqcompat', 'true');
  }
  return {
    connectionString: url.toString(),
    max: env.DATABASE_MAX_CONNECTIONS,
    min: env.DATABASE_MIN_CONNECTIONS,
    connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT * 1000,
    idleTimeoutMillis: 60_000,
    application_name: applicationName,
  };
}
