/**
 * A metrics source for delivery tests: each collection yields one sample
 * whose value is the collection's sequence number, so order, gaps and
 * duplicates on the server side are plain to see.
 */
import type { MetricsSource } from '../collect/metrics.js';

/** A {@link MetricsSource} counting its collections in `test.seq` samples. */
export class SequenceSource implements MetricsSource {
  collected = 0;
  /** `first` continues the sequence of an earlier run. */
  constructor(readonly first = 0) {}
  async collect() {
    return [{ ts: Date.now(), name: 'test.seq', value: this.first + this.collected++ }];
  }
}
