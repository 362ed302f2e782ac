import {
  type ActiveHealth,
  CircuitBreaker,
  createPicker,
  type Endpoint,
  initialActiveHealth,
  LoadTracker,
  OutlierDetector,
  type Picker,
  RetryBudget,
  selectCandidates,
  stepActiveHealth,
} from '@aurora/core';
import { Pool } from 'undici';
import type { BackendSpec, BalancerOptions, ProxyTimeouts, ServiceView } from './options.js';

/** One upstream with its connection pool and the state every policy keeps about it. */
export interface Backend {
  readonly id: string;
  spec: BackendSpec;
  endpoint: Endpoint;
  readonly pool: Pool;
  readonly breaker: CircuitBreaker;
  health: ActiveHealth;
  /** Removed from the service: no new requests, pool closes once in-flight ones finish. */
  removed: boolean;
  inFlight: number;
  lastSlowProbeMs: number;
}

/** How one attempt ended, as the policies need to know it. */
export type AttemptResult = 'success' | 'server-error' | 'connect-failure' | 'client-gone';

export interface BalancerStats {
  readonly requests: number;
  readonly retries: number;
  readonly retriesRefused: number;
  readonly ejections: number;
}

/**
 * The routing state of one service: backends with their pools, the picker, and the policies from core (zones,
 * outlier ejection, breakers, active health, retry budget) wired around it. Time and randomness are injected.
 */
export class Balancer {
  readonly #backends = new Map<string, Backend>();
  #active: Backend[] = [];
  #endpoints: Endpoint[] = [];
  #ids: string[] = [];
  readonly #picker: Picker;
  readonly #load = new LoadTracker();
  readonly #outliers: OutlierDetector;
  readonly #budget: RetryBudget;
  readonly #now: () => number;
  readonly #random: () => number;
  #requests = 0;
  #retries = 0;
  #retriesRefused = 0;
  #ejections = 0;
  serviceName: string;

  constructor(
    view: ServiceView,
    readonly options: BalancerOptions,
    readonly timeouts: ProxyTimeouts,
    clock: { now: () => number; random: () => number },
  ) {
    this.serviceName = view.name;
    this.#picker = createPicker(options.picker);
    this.#outliers = new OutlierDetector(options.outlier);
    this.#budget = new RetryBudget(options.retryBudget);
    this.#now = clock.now;
    this.#random = clock.random;
    this.update(view);
  }

  get backends(): readonly Backend[] {
    return this.#active;
  }

  stats(): BalancerStats {
    return {
      requests: this.#requests,
      retries: this.#retries,
      retriesRefused: this.#retriesRefused,
      ejections: this.#ejections,
    };
  }

  /**
   * Applies a new view. New backends get a pool; changed weights or zones take effect for the next pick; a removed
   * backend (or one whose address changed) takes no new requests and its pool closes after the in-flight ones finish,
   * which is what draining means.
   */
  update(view: ServiceView): void {
    this.serviceName = view.name;
    const seen = new Set<string>();
    for (const spec of view.backends) {
      seen.add(spec.id);
      const existing = this.#backends.get(spec.id);
      if (existing && existing.spec.host === spec.host && existing.spec.port === spec.port) {
        existing.spec = spec;
        existing.endpoint = { id: spec.id, weight: spec.weight, zone: spec.zone };
        continue;
      }
      if (existing) this.#retire(existing);
      this.#backends.set(spec.id, this.#create(spec));
    }
    for (const b of this.#backends.values()) if (!seen.has(b.id)) this.#retire(b);
    this.#active = [...this.#backends.values()];
    this.#endpoints = this.#active.map((b) => b.endpoint);
    this.#ids = this.#active.map((b) => b.id);
    const ids = new Set(this.#ids);
    this.#outliers.retain(ids);
    this.#load.retain(ids);
  }

  #create(spec: BackendSpec): Backend {
    const t = this.timeouts;
    const pool = new Pool(`http://${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`, {
      connections: this.options.connectionsPerBackend,
      pipelining: 1,
      keepAliveTimeout: t.upstreamIdleMs,
      keepAliveMaxTimeout: t.upstreamIdleMs,
      headersTimeout: t.upstreamHeadersMs,
      bodyTimeout: t.upstreamBodyIdleMs,
      connect: { timeout: t.connectMs },
    });
    return {
      id: spec.id,
      spec,
      endpoint: { id: spec.id, weight: spec.weight, zone: spec.zone },
      pool,
      breaker: new CircuitBreaker(this.options.breaker),
      health: initialActiveHealth,
      removed: false,
      inFlight: 0,
      lastSlowProbeMs: Number.NEGATIVE_INFINITY,
    };
  }

  #retire(b: Backend): void {
    b.removed = true;
    this.#backends.delete(b.id);
    // undici's close() lets queued and running requests finish before the sockets go, so nothing in flight drops.
    b.pool.close().catch(() => b.pool.destroy());
  }

  #usable = (id: string): boolean => {
    const b = this.#backends.get(id);
    if (!b?.health.up) return false;
    const now = this.#now();
    return !this.#outliers.isEjected(id, now) && b.breaker.permits(now);
  };

  /**
   * Chooses a backend for a new attempt, never one in `exclude`; undefined when none may take it. A backend shunned as
   * slow that is due for a probe gets this request, unless `shadow` is given: then `shadow` receives it to send a copy
   * of the request whose answer nobody waits for, and the client's request goes to a fast backend.
   */
  pick(exclude?: ReadonlySet<string>, hashKey?: string, shadow?: (probe: Backend) => void): Backend | undefined {
    const now = this.#now();
    let { candidates } = selectCandidates(this.#endpoints, this.#usable, {
      localZone: this.options.localZone,
      spillBelow: this.options.spillBelow,
      panicBelow: 0,
    });
    if (exclude && exclude.size > 0) candidates = candidates.filter((e) => !exclude.has(e.id));
    if (candidates.length === 0) return undefined;
    const slow = this.options.slow;
    if (slow && candidates.length > 1) {
      let fastest = Number.POSITIVE_INFINITY;
      for (const e of candidates) fastest = Math.min(fastest, this.#load.meanLatencyMs(e.id));
      const limit = Math.max(fastest * slow.factor, slow.floorMs);
      const fast = candidates.filter((e) => this.#load.meanLatencyMs(e.id) <= limit);
      if (fast.length < candidates.length) {
        for (const e of candidates) {
          const b = this.#backends.get(e.id)!;
          if (fast.includes(e) || now - b.lastSlowProbeMs < slow.probeEveryMs) continue;
          b.lastSlowProbeMs = now;
          if (!b.breaker.allow(now)) continue;
          if (!shadow) return b;
          shadow(b);
        }
        candidates = fast;
      }
    }
    const chosen = this.#picker.pick(candidates, { nowMs: now, random: this.#random, hashKey });
    if (!chosen) return undefined;
    const b = this.#backends.get(chosen.id)!;
    return b.breaker.allow(now) ? b : undefined;
  }

  /** Counts an original request for the retry budget. */
  recordRequest(): void {
    this.#requests++;
    this.#budget.recordRequest(this.#now());
  }

  /** Asks the budget for one retry. */
  tryRetry(): boolean {
    if (this.#budget.tryRetry(this.#now())) {
      this.#retries++;
      return true;
    }
    this.#retriesRefused++;
    return false;
  }

  start(b: Backend): number {
    const now = this.#now();
    b.inFlight++;
    this.#picker.onStart(b.id, now);
    this.#load.start(b.id, now);
    return now;
  }

  end(b: Backend, startedMs: number, result: AttemptResult): void {
    const now = this.#now();
    b.inFlight--;
    const failed = result === 'connect-failure';
    const outcome = { latencyMs: now - startedMs, failed };
    this.#picker.onEnd(b.id, now, outcome);
    this.#load.end(b.id, now, outcome.latencyMs, failed);
    if (result === 'client-gone') return;
    if (result === 'success') b.breaker.onSuccess(now);
    else b.breaker.onFailure(now);
    if (this.#outliers.record(b.id, result, this.#ids, now)) this.#ejections++;
  }

  /** Folds one active health check into a backend's state; a passing backend that comes back is no longer ejected. */
  recordHealth(b: Backend, passed: boolean): void {
    if (this.options.health === false) return;
    const before = b.health.up;
    b.health = stepActiveHealth(b.health, passed, this.options.health);
    if (!before && b.health.up) this.#outliers.release(b.id);
  }

  isEjected(id: string): boolean {
    return this.#outliers.isEjected(id, this.#now());
  }

  /** Closes every pool, waiting for in-flight requests. */
  async close(): Promise<void> {
    const pools = this.#active.map((b) => b.pool.close().catch(() => b.pool.destroy()));
    this.#backends.clear();
    this.#active = [];
    this.#endpoints = [];
    await Promise.all(pools);
  }
}
