import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { dbHandle, type Tx } from '@/db/client';
import { requireRoot } from '@/lib/authz';
import { badRequest, conflict, forbidden, notFound } from '@/lib/errors';
import { defineMutation, registerMutations } from '@/lib/mutation';
import { rows } from './sql';

const backendInput = z.object({
  pid: z.coerce
    .number({ error: 'pid must be a number' })
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

type Backend = {
  pid: number;
  user: string;
  application: string;
  client: string;
  state: string;
  backendType: string;
  database: string;
  self: boolean;
};

/** Only sessions of the console's own database can be signalled from here. */
async function findBackend(tx: Tx, pid: number): Promise<Backend | undefined> {
  const [b] = await rows<Backend>(
    tx,
    sql`SELECT pid, coalesce(usename, '') AS "user", coalesce(application_name, '') AS application,
      coalesce(host(client_addr), 'local') AS client, coalesce(state, '') AS state, coalesce(backend_type, '') AS "backendType",
      coalesce(datname, '') AS database, pid = pg_backend_pid() AS self
    FROM pg_stat_activity WHERE pid = ${pid} AND datname = current_database()`,
  );
  return b;
}

function signalMutation(kind: 'cancel' | 'terminate') {
  const fn = kind === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend';
  return defineMutation({
    action: `health.${kind}_backend`,
    resourceType: 'database_backend',
    recordInput: ['pid'],
    input: backendInput,
    async authorize(_tx, actor) {
      requireRoot(actor);
    },
    async run(tx, _actor, { pid }) {
      if ((await dbHandle()).kind === 'pglite')
        throw badRequest('The embedded database has no other sessions to cancel or terminate');
      const b = await findBackend(tx, pid);
      if (!b) throw notFound(`Backend ${pid}`);
      if (b.self) throw badRequest('That is the session running this request');
      if (b.backendType !== 'client backend')
        throw badRequest(
          `Backend ${pid} is a ${b.backendType}, not a client session: it cannot be ${kind === 'cancel' ? 'cancelled' : 'terminated'} here`,
        );
      let signalled: boolean;
      try {
        [{ signalled }] = await rows<{ signalled: boolean }>(tx, sql`SELECT ${sql.raw(fn)}(${pid}) AS signalled`);
      } catch (err) {
        const e =
          (err as { cause?: { code?: string; message?: string } }).cause ??
          (err as { code?: string; message?: string });
        if (e.code === '42501')
          throw forbidden(`PostgreSQL refused: ${e.message} (the console's role needs pg_signal_backend)`);
        throw err;
      }
      if (!signalled) throw conflict(`PostgreSQL did not signal backend ${pid}: it may have just ended`);
      return {
        data: { pid, signalled },
        audit: {
          // A server-wide operation: recorded in the platform's chain, not a tenant's.
          tenantId: null,
          resourceId: String(pid),
          resourceName: `${b.user || 'unknown'} / ${b.application || 'no application'}`,
          // The query text stays out of the audit trail: it may carry literals nobody should keep.
          metadata: {
            pid,
            user: b.user,
            application: b.application,
            client: b.client,
            database: b.database,
            state: b.state,
          },
        },
      };
    },
    revalidate: () => ['/health', '/health/queries', '/health/connections'],
  });
}

export const cancelBackend = signalMutation('cancel');
export const terminateBackend = signalMutation('terminate');

registerMutations(cancelBackend, terminateBackend);
