import type { Endpoint } from './types.js';

/** Zone-aware selection settings. */
export interface ZoneOptions {
  /** The caller's zone; `undefined` disables zone preference. */
  readonly localZone?: string | undefined;
  /**
   * Stay in the local zone while its healthy share (healthy local endpoints ÷ all local endpoints) is at least this;
   * below it, spill over to every healthy endpoint. Envoy's zone-aware routing makes the same trade.
   */
  readonly spillBelow: number;
  /**
   * When fewer than this share of all endpoints is healthy, route across all of them, healthy or not (Envoy's "panic
   * threshold"): sending to possibly-bad endpoints beats concentrating everything on the few survivors. 0 disables it.
   */
  readonly panicBelow: number;
}

export const defaultZoneOptions: ZoneOptions = Object.freeze({ spillBelow: 0.7, panicBelow: 0 });

/** Why a candidate set was chosen, for metrics and tests. */
export type ZoneDecision = 'local' | 'spill' | 'all' | 'panic' | 'none';

/**
 * Narrows endpoints to those a picker should choose among: healthy ones in the local zone when enough of that zone
 * is healthy, else healthy ones anywhere, else (in panic) all.
 */
export function selectCandidates(
  endpoints: readonly Endpoint[],
  healthy: (id: string) => boolean,
  options: ZoneOptions = defaultZoneOptions,
): { candidates: Endpoint[]; decision: ZoneDecision } {
  const usable = endpoints.filter((e) => e.weight > 0);
  const good = usable.filter((e) => healthy(e.id));
  if (usable.length === 0) return { candidates: [], decision: 'none' };
  if (options.panicBelow > 0 && good.length / usable.length < options.panicBelow) {
    return { candidates: usable, decision: 'panic' };
  }
  if (good.length === 0) return { candidates: [], decision: 'none' };
  if (options.localZone === undefined) return { candidates: good, decision: 'all' };
  const local = usable.filter((e) => e.zone === options.localZone);
  if (local.length === 0) return { candidates: good, decision: 'all' };
  const localGood = local.filter((e) => healthy(e.id));
  if (localGood.length > 0 && localGood.length / local.length >= options.spillBelow) {
    return { candidates: localGood, decision: 'local' };
  }
  return { candidates: good, decision: 'spill' };
}
