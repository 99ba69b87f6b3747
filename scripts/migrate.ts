/** `npm run db:migrate`: applies pending migrations, exactly as the server does at start-up. */
import { closeDb } from '@/db/client';
import { runMigrations } from '@/db/migrate';
import { EnvError } from '@/lib/env';
import { waitForDatabase } from '@/lib/startup';

try {
  const db = await waitForDatabase(5);
  const report = await runMigrations(db);
  console.log(report.applied.length
    ? `Applied ${report.applied.length} migration(s): ${report.applied.join(', ')}`
    : `Database is up to date (${report.alreadyApplied} migrations applied earlier).`);
  await closeDb();
} catch (err) {
  console.error(err instanceof EnvError ? err.message : `Migration failed: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`);
  process.exit(1);
}
