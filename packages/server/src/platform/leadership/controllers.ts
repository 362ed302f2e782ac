import type { FastifyBaseLogger } from 'fastify';
import type { Leadership } from './leadership.js';

/** A periodic task that must run on the leader only. */
export interface Controller {
  name: string;
  intervalMs: number;
  /** One pass; errors are logged and the next pass runs as scheduled. */
  runOnce(): Promise<void>;
}

/**
 * Runs controllers on a timer while this replica leads. Passes never overlap:
 * the next one is scheduled after the previous one finishes. A replica that
 * becomes leader runs every controller not in a pass at once, instead of
 * leaving the work of the last leader undone for up to an interval.
 */
export class ControllerRunner {
  #timers = new Map<string, NodeJS.Timeout>();
  #running = new Set<Promise<void>>();
  #stopped = false;
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly leadership: Leadership,
    private readonly controllers: Controller[],
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    for (const c of this.controllers) this.#schedule(c);
    this.#unsubscribe = this.leadership.onChange((leader) => {
      if (!leader) return;
      for (const c of this.controllers) {
        const waiting = this.#timers.get(c.name);
        if (waiting === undefined) continue; // in a pass; the next one follows it
        clearTimeout(waiting);
        this.#schedule(c, 0);
      }
    });
  }

  #schedule(controller: Controller, delayMs = controller.intervalMs): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(controller.name);
      if (!this.leadership.isLeader()) return this.#schedule(controller);
      const pass = controller
        .runOnce()
        .catch((err: unknown) => this.log.error({ err, controller: controller.name }, 'controller pass failed'))
        .finally(() => {
          this.#running.delete(pass);
          this.#schedule(controller);
        });
      this.#running.add(pass);
    }, delayMs);
    timer.unref();
    this.#timers.set(controller.name, timer);
  }

  /** Stops scheduling and waits for passes in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const t of this.#timers.values()) clearTimeout(t);
    await Promise.all([...this.#running]);
  }
}
