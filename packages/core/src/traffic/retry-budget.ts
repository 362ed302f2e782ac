/**
 * Linkerd's retry budget: retries may add at most `ratio` of the recent request volume, plus a floor of
 * `minPerSecond` so a quiet service can still retry. Retries beyond the budget are refused, which keeps a failing
 * backend from being hit by a retry storm.
 */
export interface RetryBudgetOptions {
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly windowMs: number;
}

export const defaultRetryBudgetOptions: RetryBudgetOptions = Object.freeze({
  ratio: 0.2,
  minPerSecond: 10,
  windowMs: 10_000,
});

const BUCKETS = 10;

/** Counts requests and retries in a sliding window of ten buckets. Pure: every call takes the time. */
export class RetryBudget {
  readonly options: RetryBudgetOptions;
  readonly #requests = new Array<number>(BUCKETS).fill(0);
  readonly #retries = new Array<number>(BUCKETS).fill(0);
  #bucketStart = 0;
  #index = 0;

  constructor(options: Partial<RetryBudgetOptions> = {}) {
    this.options = { ...defaultRetryBudgetOptions, ...options };
  }

  #advance(nowMs: number): void {
    const width = this.options.windowMs / BUCKETS;
    if (this.#bucketStart === 0 && this.#requests.every((x) => x === 0)) this.#bucketStart = nowMs;
    let steps = Math.floor((nowMs - this.#bucketStart) / width);
    if (steps <= 0) return;
    this.#bucketStart += steps * width;
    steps = Math.min(steps, BUCKETS);
    for (let i = 0; i < steps; i++) {
      this.#index = (this.#index + 1) % BUCKETS;
      this.#requests[this.#index] = 0;
      this.#retries[this.#index] = 0;
    }
  }

  /** Count one original request. */
  recordRequest(nowMs: number): void {
    this.#advance(nowMs);
    this.#requests[this.#index]! += 1;
  }

  /** Asks for one retry; true means it was granted and counted. */
  tryRetry(nowMs: number): boolean {
    this.#advance(nowMs);
    const requests = this.#requests.reduce((a, b) => a + b, 0);
    const retries = this.#retries.reduce((a, b) => a + b, 0);
    const allowance = (this.options.minPerSecond * this.options.windowMs) / 1000 + this.options.ratio * requests;
    if (retries + 1 > allowance) return false;
    this.#retries[this.#index]! += 1;
    return true;
  }
}
