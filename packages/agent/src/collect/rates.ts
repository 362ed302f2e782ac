/**
 * Turns monotonically increasing counters (bytes read, bytes received, CPU
 * ticks) into per-second rates between two collections. The first sight of a
 * counter yields no rate, and a counter that went backwards (a reboot, a
 * re-created interface, a 32-bit wrap) restarts from the new value instead of
 * reporting a negative rate.
 */

/** Remembers the previous reading of each counter, keyed by a caller-chosen string. */
export class CounterRates {
  readonly #previous = new Map<string, { value: number; atMs: number }>();

  /**
   * Records `value` for `key` at `atMs` and returns the per-second rate since
   * the previous reading, or `undefined` when there is no usable previous one.
   */
  rate(key: string, value: number, atMs: number): number | undefined {
    const previous = this.#previous.get(key);
    this.#previous.set(key, { value, atMs });
    if (!previous || !Number.isFinite(value)) return undefined;
    const elapsedMs = atMs - previous.atMs;
    const delta = value - previous.value;
    if (elapsedMs <= 0 || delta < 0) return undefined;
    return (delta * 1000) / elapsedMs;
  }

  /** Forgets counters not seen in the last collection, so vanished interfaces do not leak memory. */
  retainOnly(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of this.#previous.keys()) if (!keep.has(key)) this.#previous.delete(key);
  }
}

/** Aggregate CPU time counters, as summed from `os.cpus()`. */
export interface CpuTimes {
  /** Milliseconds spent doing anything but idling. */
  busyMs: number;
  /** Milliseconds of all states together. */
  totalMs: number;
}

/**
 * CPU usage in percent between two readings of the aggregate CPU times, or
 * `undefined` when no time passed or the counters went backwards.
 */
export function cpuUsagePct(previous: CpuTimes, current: CpuTimes): number | undefined {
  const total = current.totalMs - previous.totalMs;
  const busy = current.busyMs - previous.busyMs;
  if (total <= 0 || busy < 0) return undefined;
  return Math.min(100, Math.max(0, (busy / total) * 100));
}
