/** `npm run db:migrate`: applies pending migrations, exactly as the server does at start-up. */
import { closeDb } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { EnvError } from '@/lib/env';
import { waitForDatabase } from '@/lib/ops/startup';
import { explainConnectionError } from '@/lib/ops/connection-errors';

try {
  const db = await waitForDatabase(5);
  const report = await runMigrations(db);
  console.log(
    report.applied.length
      ? `Applied ${report.applied.length} migration(s): ${report.applied.join(', ')}`
      : `Database is up to date (${report.alreadyApplied} migrations applied earlier).`,
  );
  await closeDb();
} catch (err) {
  console.error(
    err instanceof EnvError
      ? err.message
      : `Migration failed: ${explainConnectionError(err, process.env.DATABASE_URL)}`,
  );
  process.exit(1);
}
