/**
 * Builds {@link MetricSample}s that always pass the wire contract, so one odd
 * reading (a NaN from a platform quirk, an over-long mount path) is skipped
 * here instead of making the whole heartbeat fail validation on the server.
 */
import type { MetricSample } from '@aurora/sdk';

const NAME_PATTERN = /^[a-z][a-z0-9_.]*$/;
const MAX_LABEL_VALUE = 253;

/** Collects samples sharing one timestamp, silently dropping values the contract would reject. */
export class SampleSink {
  readonly samples: MetricSample[] = [];
  readonly #ts: number;
  #sealed = false;

  constructor(ts: number) {
    this.#ts = ts;
  }

  /** Adds one sample unless its value is missing or not finite, or a label is too long. */
  add(name: string, value: number | null | undefined, labels?: Record<string, string>): void {
    if (this.#sealed) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    if (!NAME_PATTERN.test(name)) throw new Error(`metric name "${name}" must match ${NAME_PATTERN}`);
    if (labels) {
      for (const v of Object.values(labels)) if (v.length === 0 || v.length > MAX_LABEL_VALUE) return;
      this.samples.push({ ts: this.#ts, name, value, labels });
    } else {
      this.samples.push({ ts: this.#ts, name, value });
    }
  }

  /**
   * Returns the samples and ignores later additions: a source that timed out
   * may still answer, and must not change a batch already handed on.
   */
  seal(): MetricSample[] {
    this.#sealed = true;
    return this.samples;
  }
}
