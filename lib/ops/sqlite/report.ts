// The import plan as text: what is (or would be) imported per table, every row left out with its reason, and
// every change made on the way.
import { WRITE_ORDER, type ImportPlan, type Issue, type PlannedRows } from './plan';

const LABELS: Record<keyof PlannedRows, string> = {
  tenants: 'tenants',
  systemSettings: 'tenant settings',
  warehouses: 'warehouses',
  catalogs: 'catalogs',
  federatedSyncStats: 'federated sync statistics',
  namespaces: 'namespaces',
  commits: 'commits (root, import, branch)',
  branches: 'branches',
  assetIdentities: 'tables and views (identities)',
  assetVersions: 'asset versions',
  assets: 'asset heads per branch',
  metadataLocations: 'metadata locations',
  tags: 'tags',
  businessMetadata: 'business metadata',
  users: 'users',
  serviceUsers: 'service users',
  roles: 'roles',
  userRoles: 'role assignments',
  permissions: 'grants (direct and of roles)',
  accessRequests: 'access requests',
  mergeOperations: 'merge operations',
  mergeConflicts: 'merge conflicts',
};

function grouped(issues: Issue[]): string[] {
  const byTable = new Map<string, Issue[]>();
  for (const i of issues) byTable.set(i.table, [...(byTable.get(i.table) ?? []), i]);
  const out: string[] = [];
  for (const [table, list] of byTable) {
    out.push(`  ${table} (${list.length})`);
    for (const i of list) out.push(`    - ${i.ref}: ${i.reason}`);
  }
  return out;
}

export function formatPlan(plan: ImportPlan, opts: { dryRun: boolean }): string {
  const lines: string[] = [`Reference SQLite database: ${plan.file}`];
  lines.push(`Tenants: ${plan.tenants.map((t) => `${t.name} (${t.id})`).join(', ') || 'none'}`, '');
  lines.push(opts.dryRun ? 'Would import:' : 'Imported:');
  for (const key of WRITE_ORDER) {
    const n = plan.rows[key].length;
    if (n) lines.push(`  ${LABELS[key].padEnd(32)} ${String(n).padStart(7)}`);
  }
  lines.push(`  ${'audit log entries (imported)'.padEnd(32)} ${String(plan.audit.length).padStart(7)}`);
  if (plan.skipped.length) lines.push('', `Not imported (${plan.skipped.length} rows):`, ...grouped(plan.skipped));
  else lines.push('', 'Every row could be mapped.');
  if (plan.notes.length) lines.push('', `Imported with changes (${plan.notes.length}):`, ...grouped(plan.notes));
  if (plan.refusals.length) {
    lines.push('', `${opts.dryRun ? 'The real run would be refused' : 'Refused'}: ${plan.refusals.join(' ')}`);
  }
  return lines.join('\n');
}
