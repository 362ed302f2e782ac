/** Lifecycle states of a node; `cordoned` and `draining` are operator states, the rest come from health. */
export type HealthState = 'joining' | 'ready' | 'suspect' | 'down' | 'cordoned' | 'draining';

/** States an operator can hold a healthy node in. */
export type OperatorState = 'cordoned' | 'draining';

/** Tuning of the health state machine; every duration is in milliseconds. */
export interface HealthConfig {
  /** Silence after which a healthy node turns suspect (three missed 5 s heartbeats). */
  suspectAfterMs: number;
  /** Silence after which a node is declared down. */
  downAfterMs: number;
  /** Failures (healthy → suspect/down) within `flapWindowMs` that mark a node as flapping. */
  flapThreshold: number;
  /** Window over which failures are counted. */
  flapWindowMs: number;
  /** How long a flapping node must stay healthy before it is ready again. */
  holdDownMs: number;
}

/** Defaults: 5 s heartbeats, suspect after 3 missed, down after 40 s, damp 3 failures in 10 minutes for 60 s. */
export const defaultHealthConfig: Readonly<HealthConfig> = Object.freeze({
  suspectAfterMs: 15_000,
  downAfterMs: 40_000,
  flapThreshold: 3,
  flapWindowMs: 600_000,
  holdDownMs: 60_000,
});

/**
 * Everything the state machine knows about one node. Plain data, so it can be
 * stored in a row or sent to a new leader and resumed.
 */
export interface NodeHealth {
  state: HealthState;
  /** The state an operator asked for; kept while healthy and restored after recovery. */
  operatorState: OperatorState | null;
  /** When the node joined; stands in for the last heartbeat until the first one arrives. */
  joinedAt: number;
  lastHeartbeatAt: number | null;
  /** When the current state was entered. */
  stateSince: number;
  /** Why the node is in its state; may be refined without a state change (e.g. held down for flapping). */
  reason: string;
  /** Start of the current unbroken run of heartbeats while held down for flapping. */
  healthySince: number | null;
  /** Times of recent failures (healthy → suspect/down), oldest first, pruned to the flap window. */
  failures: number[];
  /** Latest time the machine has seen; inputs from the past are treated as happening now. */
  observedAt: number;
}

/**
 * Something that happened to a node, with the time it happened (ms since the epoch).
 *
 * `watchedSince` is when the judge (a control plane that has just started or
 * taken leadership) began listening: silence before it is not held against a
 * node, since its heartbeats may have gone to nobody. Kubernetes' node
 * lifecycle controller gives the same grace after it starts.
 */
export type HealthInput = (
  | { kind: 'heartbeat'; at: number }
  | { kind: 'tick'; at: number }
  | { kind: 'cordon'; at: number; by?: string }
  | { kind: 'drain'; at: number; by?: string }
  | { kind: 'uncordon'; at: number; by?: string }
) & { watchedSince?: number };

/** A recorded change of state and why it happened. */
export interface HealthTransition {
  from: HealthState;
  to: HealthState;
  reason: string;
  at: number;
}

/** The outcome of one input: the next health and the transitions it caused (zero, one or two). */
export interface HealthStep {
  health: NodeHealth;
  transitions: HealthTransition[];
}
