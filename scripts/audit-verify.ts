/**
 * `npm run audit:verify [-- --tenant <id>]`: walks every audit hash chain (or one tenant's) and prints
 * "intact, N rows" (exit 0) or the first break and why (exit 1). Progress goes to stderr.
 */
import { parseArgs } from 'node:util';
import { closeDb } from '@/db/client';
import { NIL_CHAIN } from '@/lib/audit-chain';
import { verifyAuditChains } from '@/lib/audit/verify';
import { EnvError } from '@/lib/env';
import { waitForDatabase } from '@/lib/ops/startup';
import { checkKeyFingerprints, KeyMismatchError } from '@/lib/key-fingerprints';

const { values } = parseArgs({ options: { tenant: { type: 'string' }, 'batch-size': { type: 'string' } } });
const tenantId = values.tenant === 'none' ? NIL_CHAIN : values.tenant;
const tty = process.stderr.isTTY;
let lastShown = 0;

try {
  const db = await waitForDatabase(5);
  // Another key is not tampering: say which variable is wrong, and stop (exit 2) before verifying anything.
  await checkKeyFingerprints(db);
  const started = performance.now();
  const report = await verifyAuditChains(db, {
    tenantId,
    batchSize: values['batch-size'] ? Number(values['batch-size']) : undefined,
    onProgress: (checked, total) => {
      const now = performance.now();
      if (now - lastShown < (tty ? 250 : 2000) && checked < total) return;
      lastShown = now;
      const pct = total ? Math.min(100, Math.floor((checked / total) * 100)) : 100;
      const line = `verifying… ${checked.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows (${pct}%)`;
      process.stderr.write(tty ? `\r${line}` : `${line}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (report.ok) {
    console.log(`intact, ${report.rows} rows (${report.chains} chain${report.chains === 1 ? '' : 's'}, ${seconds} s)`);
  } else {
    const b = report.firstBreak!;
    const chain = b.tenantId ? `tenant ${b.tenantId}` : 'events outside any tenant';
    console.log(`BROKEN: ${chain}, chain ${b.chainId}, row ${b.seq}${b.id ? ` (event ${b.id})` : ''}: ${b.reason}`);
    console.log(`${report.rows} rows verified before the break`);
    process.exitCode = 1;
  }
  await closeDb();
} catch (err) {
  console.error(
    err instanceof EnvError || err instanceof KeyMismatchError
      ? err.message
      : `Verification could not run: ${(err as Error).message}`,
  );
  process.exitCode = 2;
  await closeDb().catch(() => undefined);
}
