import type { SQL } from 'drizzle-orm';

/**
 * Who runs the controllers. On PostgreSQL several replicas serve the API but
 * only the holder of the lease runs controllers; every controller write is
 * fenced by `epoch`, so a deposed leader cannot write.
 */
export interface Leadership {
  isLeader(): boolean;
  /** Increases every time this replica becomes leader. */
  readonly epoch: number;
  /** Calls `listener` whenever leadership changes; returns the function that unsubscribes. */
  onChange(listener: (leader: boolean) => void): () => void;
  /**
   * A query that returns a row only while this replica still holds leadership
   * at its current epoch; controllers run it first in their write transaction,
   * so a deposed leader's write is refused. Undefined when no fencing is needed.
   */
  fence(): SQL | undefined;
  stop(): Promise<void>;
}

/** The embedded store serves one process, so that process always leads. */
export class SingleProcessLeadership implements Leadership {
  readonly epoch = 1;
  isLeader(): boolean {
    return true;
  }
  onChange(_listener: (leader: boolean) => void): () => void {
    return () => {};
  }
  fence(): undefined {
    return undefined;
  }
  async stop(): Promise<void> {}
}
