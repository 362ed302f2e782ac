/**
 * Counts failures per key (a source address) in a sliding window: a key
 * with `max` failures inside `windowMs` waits until the oldest leaves it.
 * Memory is bounded: past `maxKeys` the oldest keys are forgotten.
 */
export class FailureWindow {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  /** How long `key` must wait before trying again, or undefined when it may try now. */
  retryAfterMs(key: string): number | undefined {
    const times = this.#recent(key);
    if (times.length < this.max) return undefined;
    return Math.max(1, (times[0] as number) + this.windowMs - this.now());
  }

  failed(key: string): void {
    const times = this.#recent(key);
    times.push(this.now());
    if (times.length > this.max) times.shift();
    // Re-inserted so the map's order is least recently failed first.
    this.#failures.delete(key);
    this.#failures.set(key, times);
    if (this.#failures.size > this.maxKeys) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  #recent(key: string): number[] {
    const times = this.#failures.get(key);
    if (!times) return [];
    const since = this.now() - this.windowMs;
    while (times.length > 0 && (times[0] as number) <= since) times.shift();
    if (times.length === 0) this.#failures.delete(key);
    return times;
  }
}
