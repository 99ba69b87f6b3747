import { purgeJob } from '../iceberg/maintenance';
import { scheduledMaintenanceJob } from '../iceberg/maintenance-schedule';
import { prepareJobs, startJobWorkers, type JobDef } from '../jobs';
import { deliveryJob } from '../outbox';

/**
 * Every background job this server runs (each area defines its own with `defineJob` beside the work it does).
 * Start-up prepares their queues and starts this instance's workers; each job runs in one instance at a time.
 */
const allJobs: JobDef<unknown>[] = [
  purgeJob as JobDef<unknown>,
  scheduledMaintenanceJob as JobDef<unknown>,
  deliveryJob as JobDef<unknown>,
];

export async function startBackgroundJobs(): Promise<void> {
  if (allJobs.length === 0) return;
  await prepareJobs(allJobs);
  await startJobWorkers(allJobs);
}
