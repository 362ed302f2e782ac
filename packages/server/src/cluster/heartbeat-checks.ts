import { type HeartbeatRequest, METRIC_VALUE_RANGES, type MetricSample } from '@aurora/sdk';
import { AuroraError } from '../platform/http/errors.js';

/**
 * Refuses a heartbeat that names one batch id twice: the store keeps one
 * batch per id and node, so the second batch's samples would be lost while
 * the answer acknowledged them. (The same id from another node is another
 * batch: ids are kept per node.)
 */
export function checkBatchIds(body: HeartbeatRequest): void {
  const seen = new Map<string, number>();
  body.batches.forEach((batch, i) => {
    const first = seen.get(batch.id);
    if (first !== undefined) {
      const field = `batches.${i}.id`;
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `${field}: batch id "${batch.id}" is also batches.${first}.id; give every batch of a heartbeat its own id`,
        field,
      );
    }
    seen.set(batch.id, i);
  });
}

/** The range a sample's value must fall in, by the ending of its name, or undefined when any number goes. */
function rangeOf(name: string): { min: number; max: number } | undefined {
  for (const r of METRIC_VALUE_RANGES) if (name.endsWith(r.suffix)) return r;
  return undefined;
}

/** What screening a heartbeat's samples found, for the node's conditions. */
export interface SampleScreening {
  /** Each batch's samples that may be stored, in the order of `body.batches`. */
  kept: MetricSample[][];
  /** Samples dropped because their value is outside their metric's range. */
  outOfRange: number;
  /** The first of them, for the condition's message, e.g. `cpu.usage_pct=12345 (must be 0 to 100)`. */
  example: string | undefined;
  /** How far the latest sample time is ahead of the server clock (ms; 0 or less when none is). */
  aheadMs: number;
}

/**
 * Separates the samples whose values cannot be true (a percentage outside
 * 0–100, a negative byte count, see METRIC_VALUE_RANGES) from the rest.
 * They are flagged rather than refused: one broken reading must not fail
 * the heartbeat, which would turn a working node suspect and hold back its
 * good samples. Also measures how far sample times run ahead of the server.
 */
export function screenSamples(body: HeartbeatRequest, receivedAt: number): SampleScreening {
  let outOfRange = 0;
  let example: string | undefined;
  let latest = Number.NEGATIVE_INFINITY;
  const kept = body.batches.map((batch) => {
    let out: MetricSample[] | undefined;
    batch.samples.forEach((sample, j) => {
      if (sample.ts > latest) latest = sample.ts;
      const range = rangeOf(sample.name);
      const ok = range === undefined || (sample.value >= range.min && sample.value <= range.max);
      if (ok) {
        out?.push(sample);
        return;
      }
      outOfRange++;
      if (example === undefined && range) {
        const bound = range.max === Number.POSITIVE_INFINITY ? `at least ${range.min}` : `${range.min} to ${range.max}`;
        example = `${sample.name}=${sample.value} (must be ${bound})`;
      }
      // Copy lazily: most batches keep every sample and need no new array.
      out ??= batch.samples.slice(0, j);
    });
    return out ?? batch.samples;
  });
  return { kept, outOfRange, example, aheadMs: latest - receivedAt };
}
