// One "instance" preparing and starting the server's job queues, then stopping (tests/jobs.test.ts starts several
// at once on an empty database, as a fleet does on its first start).
import { closeDb } from '@/db/client';
import { stopJobWorkers } from '@/lib/jobs';
import { startBackgroundJobs } from '@/lib/ops/jobs';

await startBackgroundJobs();
await stopJobWorkers(1000);
await closeDb();
console.log('jobs started');
process.exit(0);
