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
  /** Passes in flight, by the controller running them. */
  #running = new Map<Promise<void>, string>();
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
      this.#running.set(pass, controller.name);
    }, delayMs);
    timer.unref();
    this.#timers.set(controller.name, timer);
  }

  /** Stops scheduling passes at once, without waiting for those in flight (see {@link stop}). */
  halt(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const t of this.#timers.values()) clearTimeout(t);
  }

  /**
   * Stops scheduling and waits for passes in flight, at most `graceMs`: a pass stuck on the database
   * must not keep the process from handing its lease back and exiting. A pass left running is fenced
   * by the lease epoch, so its writes are refused once another replica leads.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.halt();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([Promise.all(this.#running.keys()), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      const names = [...new Set(this.#running.values())].join(', ');
      this.log.warn({ controllers: names, graceMs }, `stopping without waiting for passes still running: ${names}`);
    }
  }
}
