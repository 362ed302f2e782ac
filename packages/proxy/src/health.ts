import type { Backend, Balancer } from './balancer.js';

/**
 * Active health checks: every `intervalMs` each backend gets `GET path`; a 2xx or 3xx within `timeoutMs` passes.
 * Core's rise/fall state machine turns results into up/down, so one lost check does not take a backend out.
 */
export class HealthChecker {
  #timer: NodeJS.Timeout | undefined;
  readonly #running = new Set<string>();

  constructor(readonly balancer: Balancer) {}

  start(): void {
    const h = this.balancer.options.health;
    if (h === false || this.#timer) return;
    this.#timer = setInterval(() => this.checkAll(), h.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Runs one round of checks; a backend whose previous check is still running is skipped. */
  async checkAll(): Promise<void> {
    await Promise.all(this.balancer.backends.map((b) => this.#check(b)));
  }

  async #check(b: Backend): Promise<void> {
    const h = this.balancer.options.health;
    if (h === false || this.#running.has(b.id)) return;
    this.#running.add(b.id);
    let passed = false;
    try {
      const { statusCode, body } = await b.pool.request({
        path: h.path,
        method: 'GET',
        headers: { 'user-agent': 'aurora-proxy-health' },
        signal: AbortSignal.timeout(h.timeoutMs),
      });
      await body.dump();
      passed = statusCode >= 200 && statusCode < 400;
    } catch {
      passed = false;
    } finally {
      this.#running.delete(b.id);
    }
    if (!b.removed) this.balancer.recordHealth(b, passed);
  }
}
