import type { Controller } from '../platform/leadership/index.js';
import type { ClusterContext } from './context.js';

/** Deletes metric samples older than the retention period; runs on the leader once a minute. */
export class RetentionSweeper implements Controller {
  readonly name = 'metric-retention';
  constructor(
    private readonly ctx: ClusterContext,
    private readonly retentionMs: number,
    readonly intervalMs = 60_000,
  ) {}

  async runOnce(): Promise<void> {
    await this.ctx.store.metrics.sweep(this.ctx.clock.now() - this.retentionMs);
  }
}
