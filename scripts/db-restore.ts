/** `npm run db:restore -- FILE [--force]`: restores a db:backup archive into the database in DATABASE_URL. */
import { env } from '@/lib/env';
import { requirePostgresUrl } from '@/lib/ops/backup';
import { fail, parseArgs, reportFailure } from '@/lib/ops/cli';
import { restoreDatabase } from '@/lib/ops/restore';

const usage = `Usage: npm run db:restore -- FILE [--force]

Restores a pg_dump custom-format archive (npm run db:backup) into the database in DATABASE_URL, in one
transaction: on any error nothing is changed.
  --force   the database is not empty: replace everything in it with the backup
Stop the console first. Needs pg_restore and psql of the server's major version (apt-get install postgresql-client).`;

try {
  const args = parseArgs(process.argv.slice(2), ['--force'], usage);
  if (args.positional.length !== 1) fail(usage);
  const url = requirePostgresUrl(env().DATABASE_URL, 'db:restore');
  const result = await restoreDatabase(url, args.positional[0], {
    force: args.flags.has('--force'),
    log: (l) => console.log(l),
  });
  console.log(
    `Restored ${result.relations} tables, sequences and views${result.dumpedFrom ? ` (backup taken from PostgreSQL ${result.dumpedFrom})` : ''}` +
      `${result.replaced ? ', replacing what was there' : ''}. Start the console: pending migrations, if any, apply at start-up.`,
  );
} catch (err) {
  reportFailure(err);
}
