/**
 * In-flight request counts and peak-EWMA latency per endpoint, as Finagle's and Linkerd's balancers keep them.
 *
 * Peak EWMA: a response slower than the current estimate replaces it at once (the "peak"), a faster one is blended
 * in with weight exp(-Δt/τ), and between observations the estimate decays towards zero with the same time constant,
 * so an endpoint that was slow once is probed again after a while instead of being shunned forever.
 *
 * Beside it, a plain time-weighted mean: the peak estimate of a busy endpoint sits at its slowest recent answer (one GC
 * pause holds it up for τ), which is right for spreading load but makes "how much slower than its peers" meaningless
 * under load. Comparing endpoints uses the mean.
 */
export interface PeakEwmaOptions {
  /** Decay time constant in ms (Finagle's default is 10 s). */
  readonly decayMs: number;
  /** Latency assumed for an endpoint never seen, so new endpoints neither flood nor starve. */
  readonly initialMs: number;
  /** Latency charged for a failed request: failures must look expensive, not fast. */
  readonly failurePenaltyMs: number;
  /** Time constant of the plain mean in ms: long enough to ride out one slow answer, short enough to follow a change. */
  readonly meanDecayMs: number;
}

export const defaultPeakEwmaOptions: PeakEwmaOptions = Object.freeze({
  decayMs: 10_000,
  initialMs: 1,
  failurePenaltyMs: 1_000,
  meanDecayMs: 1_000,
});

interface Slot {
  inFlight: number;
  ewmaMs: number;
  stampMs: number;
  /** Undefined until the first answer: the first observation is the mean, not a blend with a guess. */
  meanMs: number | undefined;
}

/** Load bookkeeping shared by least-request and p2c pickers. Pure: every method takes the time. */
export class LoadTracker {
  readonly #slots = new Map<string, Slot>();
  readonly #options: PeakEwmaOptions;

  constructor(options: Partial<PeakEwmaOptions> = {}) {
    this.#options = { ...defaultPeakEwmaOptions, ...options };
  }

  #slot(id: string, nowMs: number): Slot {
    let slot = this.#slots.get(id);
    if (!slot) {
      slot = { inFlight: 0, ewmaMs: this.#options.initialMs, stampMs: nowMs, meanMs: undefined };
      this.#slots.set(id, slot);
    }
    return slot;
  }

  /** Requests currently outstanding on `id`. */
  inFlight(id: string): number {
    return this.#slots.get(id)?.inFlight ?? 0;
  }

  /** The decayed latency estimate of `id` at `nowMs`. */
  latencyMs(id: string, nowMs: number): number {
    const slot = this.#slots.get(id);
    if (!slot) return this.#options.initialMs;
    const dt = Math.max(0, nowMs - slot.stampMs);
    return slot.ewmaMs * Math.exp(-dt / this.#options.decayMs);
  }

  /**
   * The time-weighted mean latency of `id`; unlike the peak estimate it does not sink while nothing is observed, so an
   * endpoint shunned as slow stays shunned until an answer says otherwise.
   */
  meanLatencyMs(id: string): number {
    return this.#slots.get(id)?.meanMs ?? this.#options.initialMs;
  }

  /** Finagle's cost: latency × (outstanding + 1). Lower is better. */
  cost(id: string, nowMs: number): number {
    return this.latencyMs(id, nowMs) * (this.inFlight(id) + 1);
  }

  start(id: string, nowMs: number): void {
    this.#slot(id, nowMs).inFlight += 1;
  }

  end(id: string, nowMs: number, latencyMs: number, failed: boolean): void {
    const slot = this.#slot(id, nowMs);
    slot.inFlight = Math.max(0, slot.inFlight - 1);
    const observed = failed ? Math.max(latencyMs, this.#options.failurePenaltyMs) : Math.max(0, latencyMs);
    const dt = Math.max(0, nowMs - slot.stampMs);
    const m = Math.exp(-dt / this.#options.meanDecayMs);
    slot.meanMs = slot.meanMs === undefined ? observed : slot.meanMs * m + observed * (1 - m);
    const current = this.latencyMs(id, nowMs);
    if (observed > current) {
      slot.ewmaMs = observed;
    } else {
      const w = Math.exp(-dt / this.#options.decayMs);
      // Blend against the stored value: `current` already carries the decay since the stamp, applying it twice
      // would make every estimate sink faster than τ says.
      slot.ewmaMs = slot.ewmaMs * w + observed * (1 - w);
    }
    slot.stampMs = nowMs;
  }

  /** Forget endpoints no longer present so the map does not grow with churn. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#slots.keys()) if (!ids.has(id)) this.#slots.delete(id);
  }
}
