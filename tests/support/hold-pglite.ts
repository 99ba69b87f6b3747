// Run as its own process by tests/pglite-lock.test.ts: opens the embedded database named by PANGOLIN_DATA_DIR, runs a
// statement, prints "open <pid>", and holds it until stdin closes; prints "refused: <message>" and exits 3 if refused.
import { sql } from 'drizzle-orm';
import { closeDb, getDb } from '@/db/client';

try {
  const db = await getDb();
  await db.execute(sql`SELECT 1`);
  console.log(`open ${process.pid}`);
  process.stdin.resume();
  process.stdin.on('end', () => void closeDb().then(() => process.exit(0)));
} catch (err) {
  console.log(`refused: ${(err as Error).message}`);
  process.exit(3);
}
