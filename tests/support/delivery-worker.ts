// Run as its own process by tests/notifications.test.ts: a server's delivery worker on the database named by
// DATABASE_URL. It runs the product's delivery job (lib/outbox.ts) and prints "attempt <delivery id>" before each
// attempt and "ready" once it takes jobs, so the test can tell which process attempted what, and kill it.
import { startJobWorkers, type JobDef } from '@/lib/jobs';
import { deliveryJob } from '@/lib/outbox';

const traced: JobDef<{ tenantId: string; deliveryId: string }> = {
  ...deliveryJob,
  run: async (data, job) => {
    console.log(`attempt ${data.deliveryId}`);
    await deliveryJob.run(data, job);
  },
};
await startJobWorkers([traced as JobDef<unknown>], { pollingIntervalSeconds: 0.5 });
console.log('ready');
process.stdin.resume();
