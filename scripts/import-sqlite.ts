/** `npm run import:sqlite -- FILE [--dry-run]`: imports a reference SQLite database into the console's database. */
import { closeDb } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { env } from '@/lib/env';
import { fail, parseArgs, requireDatabaseKeys } from '@/lib/ops/cli';
import { explainConnectionError } from '@/lib/ops/connection-errors';
import { OpsError } from '@/lib/ops/pg-tools';
import { formatPlan, importSqlite } from '@/lib/ops/sqlite';
import { waitForDatabase } from '@/lib/ops/startup';

const usage = `Usage: npm run import:sqlite -- FILE [--dry-run]

Imports the reference's SQLite metadata database (release 0.8 layout) into the database in DATABASE_URL (or
the embedded one), in one transaction: on any error nothing is changed. A tenant already in the console is
never imported twice.
  --dry-run   print what would be imported and every row that cannot be, with the reason; change nothing
              (exits with 1 when the real run would be refused, e.g. a tenant was imported before)
Run it with the console's PANGOLIN_ENCRYPTION_KEY (or its data directory): credentials and the audit chain use it.`;

const args = parseArgs(process.argv.slice(2), ['--dry-run'], usage);
if (args.positional.length !== 1) fail(usage);
const [file] = args.positional;
const dryRun = args.flags.has('--dry-run');

try {
  let db;
  try {
    db = await waitForDatabase(3);
  } catch (err) {
    throw new OpsError(`Cannot reach the database: ${explainConnectionError(err, env().DATABASE_URL)}`);
  }
  await runMigrations(db);
  // The import seals credentials and chains audit rows: only with the keys the database was initialised with (exit 2).
  await requireDatabaseKeys(db);
  let last = '';
  const plan = await importSqlite(db, file, {
    dryRun,
    progress: (step, done, total) => {
      const line = `  ${step}: ${done}/${total}`;
      if (line !== last) console.log(line);
      last = line;
    },
  });
  console.log(`${dryRun ? '\nDry run: nothing was changed.\n' : '\nImport committed.\n'}`);
  console.log(formatPlan(plan, { dryRun }));
  await closeDb();
  if (dryRun && plan.refusals.length) process.exit(1);
} catch (err) {
  await closeDb().catch(() => undefined);
  if (err instanceof OpsError) fail(`${err.message}`);
  const e = err as Error & { cause?: Error };
  fail(
    `The import failed and was rolled back; nothing was changed.\n${e.message}${e.cause ? `\ncaused by: ${e.cause.message}` : ''}`,
  );
}
