/**
 * A metrics source for delivery tests: each collection yields one sample
 * whose value is the collection's sequence number, so order, gaps and
 * duplicates on the server side are plain to see.
 */
import type { MetricsSource } from '../collect/metrics.js';

/** A {@link MetricsSource} counting its collections in `test.seq` samples. */
export class SequenceSource implements MetricsSource {
  collected = 0;
  private paused = false;
  /** `first` continues the sequence of an earlier run; `nameOf` names each value's sample. */
  constructor(
    readonly first = 0,
    private readonly nameOf: (value: number) => string = () => 'test.seq',
  ) {}
  /**
   * Collections return nothing from now on, so a backlog can drain: on a loaded machine an agent
   * collecting every 20 ms may otherwise keep overflowing a tiny buffer for as long as a test waits.
   */
  pause() {
    this.paused = true;
  }
  async collect() {
    if (this.paused) return [];
    const value = this.first + this.collected++;
    return [{ ts: Date.now(), name: this.nameOf(value), value }];
  }
}
