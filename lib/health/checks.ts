import { connectionsCheck, idleInTransactionCheck } from './connections';
import { migrationsCheck } from './migrations';
import { blockedCheck, longRunningCheck } from './sessions';
import { invalidConstraintCheck, replicationCheck, sequencesCheck, wraparoundCheck } from './safety';
import { samplerCheck } from './sampler';
import { settingsCheck } from './settings';
import { statementsCheck } from './statements';
import {
  cacheHitCheck,
  duplicateIndexCheck,
  fkIndexCheck,
  invalidIndexCheck,
  seqScanCheck,
  spaceCheck,
  unusedIndexCheck,
  vacuumCheck,
} from './tables';
import type { AnyCheckDef, AreaId } from './types';

/** Every check, in the order of the overview's tiles. */
export const CHECKS: AnyCheckDef[] = [
  connectionsCheck,
  idleInTransactionCheck,
  longRunningCheck,
  blockedCheck,
  statementsCheck,
  cacheHitCheck,
  spaceCheck,
  vacuumCheck,
  seqScanCheck,
  unusedIndexCheck,
  duplicateIndexCheck,
  invalidIndexCheck,
  fkIndexCheck,
  wraparoundCheck,
  sequencesCheck,
  replicationCheck,
  invalidConstraintCheck,
  settingsCheck,
  migrationsCheck,
  samplerCheck,
];

export const checksOf = (area: AreaId) => CHECKS.filter((c) => c.area === area);
