/** `npm run db:backup -- FILE [--force]`: pg_dump (custom format) of the database in DATABASE_URL. */
import { env } from '@/lib/env';
import { backupDatabase, requirePostgresUrl } from '@/lib/ops/backup';
import { fail, formatBytes, parseArgs, reportFailure } from '@/lib/ops/cli';

const usage = `Usage: npm run db:backup -- FILE [--force]

Writes a pg_dump custom-format archive of the database in DATABASE_URL to FILE.
  --force   overwrite FILE if it exists
Needs pg_dump of the server's major version (Debian/Ubuntu: apt-get install postgresql-client).`;

try {
  const args = parseArgs(process.argv.slice(2), ['--force'], usage);
  if (args.positional.length !== 1) fail(usage);
  const url = requirePostgresUrl(env().DATABASE_URL, 'db:backup');
  const result = await backupDatabase(url, args.positional[0], {
    force: args.flags.has('--force'),
    log: (l) => console.log(l),
  });
  console.log(
    `Backup written to ${result.file}: ${formatBytes(result.bytes)}, ${result.entries} archive entries ` +
      `(PostgreSQL ${result.serverVersion}, pg_dump ${result.toolVersion}). Restore with: npm run db:restore -- ${args.positional[0]}`,
  );
} catch (err) {
  reportFailure(err);
}
