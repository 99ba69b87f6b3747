import { v5 as uuidv5 } from 'uuid';

/**
 * Lanes: each tenant's trail is AUDIT_LANES hash chains instead of one. A chain link is only final once its
 * transaction commits, so a single chain admits one writer per commit (fsync) at a time; with lanes, a
 * tenant's concurrent writers take different lanes and commit together. Every lane is a complete chain, so
 * changing, deleting or inserting a row breaks its lane exactly as before. Lane 0 is the one a writer takes
 * whenever it is free, so a tenant without concurrent writers has a single chain, `chain_id` = tenant id.
 */

/** The id of the trail of events outside any tenant (its lane 0). */
export const NIL_CHAIN = '00000000-0000-0000-0000-000000000000';

/** Lanes per trail. Never lower it: appenders only take lanes from this list, verification finds them all. */
export const AUDIT_LANES = 8;

const LANE_NAMESPACE = 'ae1a556b-8ad1-4a7a-9c56-b73091ae468c';
const lanesByTrail = new Map<string, string[]>();

/** The chain ids of a trail's lanes, lane 0 first: the tenant id itself, then ids derived from it. */
export function laneIds(trail: string): string[] {
  let lanes = lanesByTrail.get(trail);
  if (!lanes) {
    lanes = [trail, ...Array.from({ length: AUDIT_LANES - 1 }, (_, k) => uuidv5(`${trail}/${k + 1}`, LANE_NAMESPACE))];
    lanesByTrail.set(trail, lanes);
  }
  return lanes;
}

/**
 * Lanes this process has an open transaction on. A hint only (the database's row locks decide): it steers
 * this process's writers to different lanes without a round trip. Entries expire in case nobody releases them.
 */
const busyUntil = new Map<string, number>();
const BUSY_MS = 500;

export const isBusy = (lane: string) => (busyUntil.get(lane) ?? 0) > Date.now();
export const markBusy = (lane: string) => void busyUntil.set(lane, Date.now() + BUSY_MS);
/** Call when the transaction that appended to `lane` has ended. */
export const releaseLane = (lane: string | undefined) => void (lane && busyUntil.delete(lane));

/** The trail's lanes, the ones free in this process first, each group in lane order. */
export function lanesByPreference(trail: string): string[] {
  const lanes = laneIds(trail);
  return [...lanes.filter((l) => !isBusy(l)), ...lanes.filter(isBusy)];
}
