/**
 * A per-endpoint circuit breaker: after `failureThreshold` consecutive failures it opens and refuses requests for
 * `openMs`, then lets `halfOpenProbes` requests through; one success closes it, one failure opens it again.
 */
export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly halfOpenProbes: number;
}

export const defaultCircuitBreakerOptions: CircuitBreakerOptions = Object.freeze({
  failureThreshold: 5,
  openMs: 5_000,
  halfOpenProbes: 1,
});

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Pure breaker state: every call takes the time. */
export class CircuitBreaker {
  readonly options: CircuitBreakerOptions;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probes = 0;

  constructor(options: Partial<CircuitBreakerOptions> = {}) {
    this.options = { ...defaultCircuitBreakerOptions, ...options };
  }

  state(nowMs: number): CircuitState {
    if (this.#state === 'open' && nowMs - this.#openedAt >= this.options.openMs) {
      this.#state = 'half-open';
      this.#probes = 0;
    }
    return this.#state;
  }

  /** May a request go out now? A granted half-open probe is counted until its outcome is recorded. */
  allow(nowMs: number): boolean {
    const s = this.state(nowMs);
    if (s === 'closed') return true;
    if (s === 'open') return false;
    if (this.#probes >= this.options.halfOpenProbes) return false;
    this.#probes++;
    return true;
  }

  /** Would `allow` say yes, without counting a probe? For filtering candidates. */
  permits(nowMs: number): boolean {
    const s = this.state(nowMs);
    return s === 'closed' || (s === 'half-open' && this.#probes < this.options.halfOpenProbes);
  }

  onSuccess(nowMs: number): void {
    this.state(nowMs);
    this.#failures = 0;
    this.#state = 'closed';
    this.#probes = 0;
  }

  onFailure(nowMs: number): void {
    const s = this.state(nowMs);
    this.#failures++;
    if (s === 'half-open' || this.#failures >= this.options.failureThreshold) {
      this.#state = 'open';
      this.#openedAt = nowMs;
      this.#failures = 0;
      this.#probes = 0;
    }
  }
}
