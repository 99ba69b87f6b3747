// Merge operations and their conflicts. The reference's base and result commits are not imported (its commits
// are not), so imported merges keep their state and conflicts but point at the branches' import heads.
import { v7 as uuidv7 } from 'uuid';
import { mergeStatuses } from '@/db/schema';
import type { PlanContext } from './plan';
import type { Row } from './reader';
import { parseJson, snake, text, toDate, uuidOrNull } from './values';

const CONFLICT_TYPES: Record<string, 'data_overlap' | 'deletion_conflict' | 'create_conflict' | 'schema_change'> = {
  data_overlap: 'data_overlap',
  deletion_conflict: 'deletion_conflict',
  create_conflict: 'create_conflict',
  schema_change: 'schema_change',
};
const RESOLUTIONS: Record<string, 'take_source' | 'take_target' | 'manual'> = {
  take_source: 'take_source',
  take_target: 'take_target',
  manual: 'manual',
};

/** Serde enums arrive as "X", "\"X\"", {"X": {...}} or {"type": "X"}: the variant name, snake_cased. */
function variantOf(v: unknown): string | null {
  const parsed = parseJson(v);
  const value = parsed.ok ? parsed.value : v;
  if (typeof value === 'string') return snake(value);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.type === 'string') return snake(o.type);
    const [k] = Object.keys(o);
    return k ? snake(k) : null;
  }
  return null;
}

export function planMerges(ctx: PlanContext, operations: Row[], conflicts: Row[]) {
  const created = new Map<string, { tenantId: string; at: Date | undefined }>();
  for (const r of operations) {
    const ref = text(r.id);
    if (!ref || !ctx.tenantOf('merge_operations', ref, r.tenant_id)) continue;
    const catalog = ctx.catalogOf('merge_operations', ref, r.tenant_id, r.catalog_name);
    if (!catalog) continue;
    const source = ctx.branches.get(`${catalog.id}\u0000${r.source_branch}`);
    const target = ctx.branches.get(`${catalog.id}\u0000${r.target_branch}`);
    if (!source || !target) {
      ctx.skip(
        'merge_operations',
        ref,
        `branch "${source ? r.target_branch : r.source_branch}" was not imported in catalog "${catalog.name}" (an orphan row)`,
      );
      continue;
    }
    const status = snake(String(r.status ?? ''));
    if (!(mergeStatuses as readonly string[]).includes(status)) {
      ctx.skip('merge_operations', ref, `unknown merge status "${r.status ?? ''}"`);
      continue;
    }
    if (r.result_commit_id)
      ctx.note('merge_operations', ref, 'its result commit is not imported (reference commits are not)');
    const { id } = ctx.mergeIds.assign(ref);
    const at = toDate(r.created_at) ?? undefined;
    created.set(id, { tenantId: catalog.tenantId, at });
    ctx.rows.mergeOperations.push({
      tenantId: catalog.tenantId,
      id,
      catalogId: catalog.id,
      sourceBranchId: source.id,
      targetBranchId: target.id,
      baseCommitId: null,
      sourceHeadCommitId: source.headCommitId,
      targetHeadCommitId: target.headCommitId,
      status: status as (typeof mergeStatuses)[number],
      message: `Imported merge of ${source.name} into ${target.name}`,
      initiatedBy: uuidOrNull(r.created_by),
      initiatedAt: at,
      completedAt: toDate(r.completed_at),
    });
  }
  for (const r of conflicts) {
    const ref = text(r.id);
    const opId = ctx.mergeIds.get(r.operation_id);
    const op = opId ? created.get(opId) : undefined;
    if (!ref || !op) {
      ctx.skip(
        'merge_conflicts',
        ref,
        `its merge operation ${r.operation_id ?? '(none)'} was not imported (an orphan row)`,
      );
      continue;
    }
    const asset = ctx.assetRefs.get(String(r.asset_id ?? ''));
    if (!asset) {
      ctx.skip('merge_conflicts', ref, `its asset ${r.asset_id ?? '(none)'} was not imported`);
      continue;
    }
    const typeName = variantOf(r.conflict_type);
    const conflictType = typeName ? CONFLICT_TYPES[typeName] : undefined;
    if (!conflictType) {
      ctx.skip(
        'merge_conflicts',
        ref,
        `conflict type "${typeName ?? r.conflict_type}" has no equivalent in the console`,
      );
      continue;
    }
    const resolutionName = r.resolution ? variantOf(r.resolution) : null;
    const resolution = resolutionName ? (RESOLUTIONS[resolutionName] ?? null) : null;
    if (resolutionName && !resolution)
      ctx.note(
        'merge_conflicts',
        ref,
        `resolution "${resolutionName}" has no equivalent: the conflict is left unresolved`,
      );
    ctx.rows.mergeConflicts.push({
      tenantId: op.tenantId,
      id: uuidOrNull(ref) ?? uuidv7(),
      mergeOperationId: opId!,
      assetId: asset.identityId,
      conflictType,
      description: text(r.description) ?? conflictType.replace('_', ' '),
      resolution,
      resolvedBy: resolution ? uuidOrNull(r.resolved_by) : null,
      resolvedAt: resolution ? toDate(r.resolved_at) : null,
      createdAt: op.at,
    });
  }
}
