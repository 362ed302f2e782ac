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
  async stop(): Promise<void> {}
}
