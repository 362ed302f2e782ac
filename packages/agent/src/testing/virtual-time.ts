/**
 * Time for tests that the test moves forward itself: `clock` and `sleep`
 * plug into the agent's runtime, and {@link VirtualTime.advance} wakes the
 * earliest sleeper, so schedules can be checked exactly and instantly.
 */
import type { Sleep } from '../runtime/runtime.js';

interface Sleeper {
  until: number;
  resolve: () => void;
}

/** A manual clock with sleepers woken in time order. */
export class VirtualTime {
  now = Date.UTC(2026, 0, 1);
  readonly #sleepers: Sleeper[] = [];

  readonly clock = (): number => this.now;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const onAbort = () => {
        this.#remove(sleeper);
        resolve();
      };
      // A sleeper woken by time takes its abort listener with it, or they pile up on the agent's stop signal.
      const sleeper: Sleeper = {
        until: this.now + ms,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal.addEventListener('abort', onAbort, { once: true });
    });

  /** How many callers are currently asleep. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Jumps to the earliest wake-up time and wakes everyone due by then. */
  advance(): void {
    if (this.#sleepers.length === 0) return;
    this.now = Math.max(this.now, Math.min(...this.#sleepers.map((s) => s.until)));
    for (const sleeper of [...this.#sleepers]) {
      if (sleeper.until > this.now) continue;
      this.#remove(sleeper);
      sleeper.resolve();
    }
  }

  #remove(sleeper: Sleeper): void {
    const index = this.#sleepers.indexOf(sleeper);
    if (index >= 0) this.#sleepers.splice(index, 1);
  }
}
