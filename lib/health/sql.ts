import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';

/** Rows of a catalog query. Numbers are cast to int/float8 in SQL so they arrive as JS numbers. */
export async function rows<T>(tx: Tx, query: SQL): Promise<T[]> {
  return (await tx.execute<T & Record<string, unknown>>(query)).rows as T[];
}

/** Relations of the user's schemas (not the system catalogs or TOAST). */
export const userSchema = (nspname: SQL) =>
  sql`${nspname} NOT IN ('pg_catalog', 'information_schema') AND ${nspname} !~ '^pg_toast'`;

/** Query text shown to Root, bounded. */
export const QUERY_TEXT_LIMIT = 2000;

/** application_name of the health checks' own transactions, so session lists can leave the page itself out. */
export const HEALTH_APPLICATION = 'pangolin-console health check';

/** Excludes this session and the health page's other check transactions. */
export const notHealthCheck = (alias = '') =>
  sql`${sql.raw(alias)}pid <> pg_backend_pid() AND coalesce(${sql.raw(alias)}application_name, '') <> ${HEALTH_APPLICATION}`;
