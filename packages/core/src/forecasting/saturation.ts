import { type CapacityOptions, type CapacityPrediction, timeToCapacity } from './capacity.js';

/** Settings of a saturation prediction: a capacity prediction whose limit is a share of the capacity. */
export interface SaturationOptions extends CapacityOptions {
  /** The share of capacity at which the resource counts as saturated (default 0.95). */
  saturatedAt?: number;
}

/**
 * When a CPU or a network link saturates: the time until usage reaches `saturatedAt` of its
 * capacity (100 % of CPU, or the cores' count for a load series; a link's bytes per second).
 * Below full capacity because queues and latency climb before the last percent is used.
 *
 * @example
 * timeToSaturation(cpuPercent, { stepMs: 60_000, capacity: 100 }); // CPU reaching 95 %
 * timeToSaturation(rxBytesPerSecond, { stepMs: 60_000, capacity: 125_000_000 }); // a 1 Gbit/s link
 */
export function timeToSaturation(values: ArrayLike<number>, options: SaturationOptions): CapacityPrediction {
  const share = options.saturatedAt ?? 0.95;
  if (!(share > 0 && share <= 1)) throw new RangeError(`saturatedAt must be in (0, 1] (got ${share})`);
  return timeToCapacity(values, { ...options, capacity: options.capacity * share });
}
