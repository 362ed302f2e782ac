/** Counters describing what a running agent has done, for the CLI, tests and `aurora up`'s status line. */
export interface AgentStats {
  /** The node name the control plane knows this agent by. */
  name: string;
  /** Collections taken (each becomes one batch if it produced samples). */
  collections: number;
  heartbeatsSent: number;
  heartbeatsFailed: number;
  /** Failures in a row; 0 while the control plane answers. */
  consecutiveFailures: number;
  /** Batches the control plane acknowledged as durably stored. */
  batchesAcknowledged: number;
  pendingBatches: number;
  pendingSamples: number;
  /** Samples dropped from the full outbox since the agent started. */
  droppedSamples: number;
  /** The state the control plane last gave this node, e.g. `ready`. */
  nodeState: string | undefined;
  /** Wall-clock time (ms) of the last acknowledged heartbeat. */
  lastHeartbeatAt: number | undefined;
  /** Description of the last failure, cleared by the next success. */
  lastError: string | undefined;
  intervalMs: number;
  /** The control plane replica requests go to now (the first of `servers` until it fails). */
  server: string;
}
