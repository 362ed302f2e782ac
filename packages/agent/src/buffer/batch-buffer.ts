/**
 * The agent's outbox: collections waiting for the control plane to say they
 * are durably stored. It is bounded by a number of samples, because a node
 * cut off for a long time must not run out of memory; when full, the oldest
 * batches go first and every dropped sample is counted.
 */
import type { MetricBatch } from '@aurora/sdk';

/** Limits for one heartbeat's worth of batches, taken from the front of the buffer. */
export interface TakeLimits {
  /** The contract allows at most 64 batches per heartbeat. */
  maxBatches: number;
  /** Keeps a request body small; at least one batch is taken whatever its size. */
  maxSamples: number;
}

/** A FIFO of pending {@link MetricBatch}es with a sample bound and a drop counter. */
export class BatchBuffer {
  readonly #maxSamples: number;
  readonly #batches: MetricBatch[] = [];
  #samples = 0;
  #droppedTotal = 0;
  #droppedUnreported = 0;
  /** Ids handed out by the latest {@link peek}: the heartbeat in flight carries them. */
  #inFlight = new Set<string>();
  /** Batches dropped for room while their heartbeat was in flight, by id, with their sample counts. */
  readonly #droppedInFlight = new Map<string, number>();

  constructor(maxSamples: number) {
    if (!Number.isInteger(maxSamples) || maxSamples < 1) {
      throw new RangeError(`maxBufferedSamples must be a positive integer, got ${maxSamples}`);
    }
    this.#maxSamples = maxSamples;
  }

  /**
   * Appends a batch, first dropping the oldest batches until it fits. A batch
   * larger than the whole buffer keeps only its newest samples.
   * Returns how many samples were dropped to make room.
   */
  push(batch: MetricBatch): number {
    let dropped = 0;
    let incoming = batch;
    if (incoming.samples.length > this.#maxSamples) {
      dropped += incoming.samples.length - this.#maxSamples;
      incoming = { id: batch.id, samples: batch.samples.slice(-this.#maxSamples) };
    }
    while (this.#samples + incoming.samples.length > this.#maxSamples) {
      const oldest = this.#batches.shift();
      if (!oldest) break;
      this.#samples -= oldest.samples.length;
      dropped += oldest.samples.length;
      // The heartbeat carrying it may still be stored and acknowledged; then it was not lost after all.
      if (this.#inFlight.has(oldest.id)) this.#droppedInFlight.set(oldest.id, oldest.samples.length);
    }
    this.#batches.push(incoming);
    this.#samples += incoming.samples.length;
    this.#droppedTotal += dropped;
    this.#droppedUnreported += dropped;
    return dropped;
  }

  /** The oldest pending batches within `limits`, left in place until {@link acknowledge}d. */
  peek(limits: TakeLimits): MetricBatch[] {
    const out: MetricBatch[] = [];
    let samples = 0;
    for (const batch of this.#batches) {
      if (out.length >= limits.maxBatches) break;
      if (out.length > 0 && samples + batch.samples.length > limits.maxSamples) break;
      out.push(batch);
      samples += batch.samples.length;
    }
    this.#inFlight = new Set(out.map((b) => b.id));
    this.#droppedInFlight.clear();
    return out;
  }

  /**
   * Removes the batches the server has durably stored; unknown ids are ignored. A batch that was
   * dropped for room while its heartbeat was in flight was stored after all, so its samples no
   * longer count as dropped (they cannot have been reported yet: drops are read before sending).
   */
  acknowledge(ids: Iterable<string>): number {
    const acked = new Set(ids);
    for (const [id, count] of this.#droppedInFlight) {
      if (!acked.has(id)) continue;
      this.#droppedTotal -= count;
      this.#droppedUnreported = Math.max(0, this.#droppedUnreported - count);
    }
    this.#droppedInFlight.clear();
    this.#inFlight.clear();
    let removed = 0;
    for (let i = this.#batches.length - 1; i >= 0; i--) {
      const batch = this.#batches[i]!;
      if (!acked.has(batch.id)) continue;
      this.#batches.splice(i, 1);
      this.#samples -= batch.samples.length;
      removed++;
    }
    return removed;
  }

  /** Drops the oldest batch (one the server keeps refusing), counting its samples; returns its id. */
  dropOldest(): string | undefined {
    const oldest = this.#batches.shift();
    if (!oldest) return undefined;
    this.#samples -= oldest.samples.length;
    this.recordDrops(oldest.samples.length);
    return oldest.id;
  }

  /** All pending batches, oldest first (for saving the outbox on stop). */
  pending(): MetricBatch[] {
    return [...this.#batches];
  }

  /** Counts drops that happened elsewhere (a previous run), so they are still reported. */
  recordDrops(count: number): void {
    this.#droppedTotal += count;
    this.#droppedUnreported += count;
  }

  /** Drops not yet told to the server; sent as `droppedSamples` on the next heartbeat. */
  get unreportedDrops(): number {
    return this.#droppedUnreported;
  }

  /** Marks `count` drops as told to the server (called once a heartbeat carrying them succeeded). */
  markDropsReported(count: number): void {
    this.#droppedUnreported = Math.max(0, this.#droppedUnreported - count);
  }

  /** Samples dropped since the agent started. */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  get pendingBatches(): number {
    return this.#batches.length;
  }

  get pendingSamples(): number {
    return this.#samples;
  }
}
