/**
 * Passive outlier ejection, as Envoy does it: an endpoint that returns too many consecutive 5xx responses or connect
 * failures is taken out for `baseEjectionMs × times ejected` (capped), but never so many that more than
 * `maxEjectedShare` of the endpoints are out at once.
 */
export interface OutlierOptions {
  readonly consecutiveServerErrors: number;
  /** 1 ejects on the first refused or reset connection: the next request should not find the same dead port. */
  readonly consecutiveConnectFailures: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectedShare: number;
}

export const defaultOutlierOptions: OutlierOptions = Object.freeze({
  consecutiveServerErrors: 5,
  consecutiveConnectFailures: 1,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectedShare: 0.5,
});

export type OutlierEvent = 'success' | 'server-error' | 'connect-failure';

interface Record {
  serverErrors: number;
  connectFailures: number;
  ejectedUntil: number;
  times: number;
}

/** Outlier bookkeeping over a changing set of endpoints. Pure: every call takes the time. */
export class OutlierDetector {
  readonly #records = new Map<string, Record>();
  readonly options: OutlierOptions;

  constructor(options: Partial<OutlierOptions> = {}) {
    this.options = { ...defaultOutlierOptions, ...options };
  }

  #record(id: string): Record {
    let r = this.#records.get(id);
    if (!r) {
      r = { serverErrors: 0, connectFailures: 0, ejectedUntil: 0, times: 0 };
      this.#records.set(id, r);
    }
    return r;
  }

  isEjected(id: string, nowMs: number): boolean {
    return (this.#records.get(id)?.ejectedUntil ?? 0) > nowMs;
  }

  ejectedCount(ids: readonly string[], nowMs: number): number {
    let n = 0;
    for (const id of ids) if (this.isEjected(id, nowMs)) n++;
    return n;
  }

  /**
   * Records one outcome for `id` among the current `ids`; returns true when this event ejected it.
   * An ejection the share cap forbids leaves the counters at the threshold, so the next failure tries again.
   */
  record(id: string, event: OutlierEvent, ids: readonly string[], nowMs: number): boolean {
    const r = this.#record(id);
    if (event === 'success') {
      r.serverErrors = 0;
      r.connectFailures = 0;
      return false;
    }
    if (event === 'server-error') r.serverErrors++;
    else r.connectFailures++;
    if (r.ejectedUntil > nowMs) return false;
    const tripped =
      r.serverErrors >= this.options.consecutiveServerErrors ||
      r.connectFailures >= this.options.consecutiveConnectFailures;
    if (!tripped) return false;
    const total = Math.max(ids.length, 1);
    if ((this.ejectedCount(ids, nowMs) + 1) / total > this.options.maxEjectedShare) return false;
    r.times++;
    r.ejectedUntil = nowMs + Math.min(this.options.baseEjectionMs * r.times, this.options.maxEjectionMs);
    r.serverErrors = 0;
    r.connectFailures = 0;
    return true;
  }

  /** Ends an ejection early, e.g. when an active health check sees the endpoint answer again. */
  release(id: string): void {
    const r = this.#records.get(id);
    if (r) r.ejectedUntil = 0;
  }

  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#records.keys()) if (!ids.has(id)) this.#records.delete(id);
  }
}
