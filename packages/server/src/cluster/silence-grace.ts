import type { Clock } from '../platform/clock.js';
import type { Leadership } from '../platform/leadership/index.js';

/**
 * When this process began judging node silence: when it started, and again
 * whenever it takes leadership (a new epoch). A control plane that was away
 * cannot tell a node that fell silent from one whose heartbeats went to
 * nobody, so it gives every node one suspect interval from then before
 * judging, as Kubernetes' node lifecycle controller does after it starts.
 */
export class SilenceGrace {
  #epoch: number;
  #since: number;

  constructor(
    private readonly leadership: Leadership,
    private readonly clock: Clock,
  ) {
    this.#epoch = leadership.epoch;
    this.#since = clock.now();
    leadership.onChange((leader) => {
      if (leader) this.#restart();
    });
  }

  /** The time silence is judged from for nodes heard from earlier. */
  watchedSince(): number {
    // The listener sees most takeovers; the epoch catches one between two reads.
    if (this.leadership.epoch !== this.#epoch) this.#restart();
    return this.#since;
  }

  #restart(): void {
    this.#epoch = this.leadership.epoch;
    this.#since = this.clock.now();
  }
}
