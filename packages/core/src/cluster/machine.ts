import type {
  HealthConfig,
  HealthInput,
  HealthState,
  HealthStep,
  HealthTransition,
  NodeHealth,
  OperatorState,
} from './types.js';
import { defaultHealthConfig } from './types.js';

const HEALTHY: ReadonlySet<HealthState> = new Set(['ready', 'cordoned', 'draining']);

/** Whether a state means the node is heartbeating normally. */
export function isHealthyState(state: HealthState): boolean {
  return HEALTHY.has(state);
}

/** The health of a node that has just joined at `at`, optionally already held by an operator. */
export function initialHealth(at: number, operatorState: OperatorState | null = null): NodeHealth {
  return {
    state: 'joining',
    operatorState,
    joinedAt: at,
    lastHeartbeatAt: null,
    stateSince: at,
    reason: 'joined, waiting for the first heartbeat',
    healthySince: null,
    failures: [],
    observedAt: at,
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

/** Why a node is in a state an operator chose. */
const OPERATOR_REASON: Record<OperatorState, string> = {
  cordoned: 'cordoned by an operator',
  draining: 'drained by an operator',
};

/** The state a healthy node belongs in: the operator's choice, or ready. */
function healthyTarget(health: NodeHealth): HealthState {
  return health.operatorState ?? 'ready';
}

class Stepper {
  readonly transitions: HealthTransition[] = [];
  constructor(
    public health: NodeHealth,
    readonly config: HealthConfig,
    readonly now: number,
    readonly watchedSince: number = Number.NEGATIVE_INFINITY,
  ) {}

  move(to: HealthState, reason: string): void {
    const from = this.health.state;
    if (from === to) return;
    let failures = this.health.failures;
    if (HEALTHY.has(from) && (to === 'suspect' || to === 'down')) failures = [...failures, this.now];
    this.health = { ...this.health, state: to, stateSince: this.now, reason, failures };
    this.transitions.push({ from, to, reason, at: this.now });
  }

  /** When the node was last heard from, or joined if never. */
  lastHeard(): number {
    return this.health.lastHeartbeatAt ?? this.health.joinedAt;
  }

  /** Silence held against the node: none from before the judge began watching. */
  silence(): number {
    return this.now - Math.max(this.lastHeard(), this.watchedSince);
  }

  /** Says when the silence being judged is shorter than the node's, because the judge began watching later. */
  graceNote(): string {
    return this.watchedSince > this.lastHeard() ? ' since the control plane took over' : '';
  }

  recentFailures(): number {
    const since = this.now - this.config.flapWindowMs;
    return this.health.failures.filter((t) => t > since).length;
  }

  pruneFailures(): void {
    const since = this.now - this.config.flapWindowMs;
    const failures = this.health.failures.filter((t) => t > since).slice(-Math.max(1, this.config.flapThreshold));
    this.health = { ...this.health, failures };
  }

  /** Applies the passage of time: silence turns nodes suspect then down; a finished hold-down restores them. */
  evaluateTime(): void {
    const silence = this.silence();
    const { suspectAfterMs, downAfterMs } = this.config;
    if (silence >= downAfterMs) {
      this.health = { ...this.health, healthySince: null };
      this.move('down', `no heartbeat for ${seconds(silence)}${this.graceNote()} (down after ${seconds(downAfterMs)})`);
      return;
    }
    if (silence >= suspectAfterMs) {
      const wasHeldDown = this.health.healthySince !== null;
      this.health = { ...this.health, healthySince: null };
      if (this.health.state === 'down') return;
      const what = this.health.lastHeartbeatAt === null ? 'no first heartbeat' : 'no heartbeat';
      const reason = `${what} for ${seconds(silence)}${this.graceNote()} (suspect after ${seconds(suspectAfterMs)})`;
      if (this.health.state === 'suspect' && wasHeldDown) this.health = { ...this.health, reason };
      else this.move('suspect', reason);
      return;
    }
    this.maybeRecover();
  }

  /** A node that is heartbeating again returns to its healthy state unless it is held down for flapping. */
  maybeRecover(): void {
    const { state, lastHeartbeatAt } = this.health;
    if (HEALTHY.has(state) || lastHeartbeatAt === null) return;
    if (this.now - lastHeartbeatAt >= this.config.suspectAfterMs) return;
    const target = healthyTarget(this.health);
    const failures = this.recentFailures();
    if (failures < this.config.flapThreshold) {
      const resumed = state === 'joining' ? 'first heartbeat received' : `heartbeats resumed after being ${state}`;
      // An operator's cordon or drain given while the node was unhealthy takes effect now: say whose choice it is.
      const chosen = this.health.operatorState;
      const reason = chosen === null ? resumed : `${OPERATOR_REASON[chosen]}; ${resumed}`;
      this.health = { ...this.health, healthySince: null };
      this.move(target, reason);
      return;
    }
    const healthySince = this.health.healthySince ?? lastHeartbeatAt;
    this.health = { ...this.health, healthySince };
    const held = this.now - healthySince;
    const window = seconds(this.config.flapWindowMs);
    if (held >= this.config.holdDownMs) {
      this.health = { ...this.health, healthySince: null, failures: [] };
      this.move(
        target,
        `flapping node stayed healthy for ${seconds(held)}, hold-down of ${seconds(this.config.holdDownMs)} over`,
      );
      return;
    }
    const reason = `flapping (${failures} failures in ${window}): heartbeats resumed, must stay healthy for ${seconds(this.config.holdDownMs)} before ${target}`;
    if (state === 'suspect') this.health = { ...this.health, reason };
    else this.move('suspect', reason);
  }

  /** A cordon, drain or uncordon; `by` names who asked (a playbook), "an operator" when not given. */
  operator(kind: 'cordon' | 'drain' | 'uncordon', by: string | undefined): void {
    const operatorState: OperatorState | null = kind === 'cordon' ? 'cordoned' : kind === 'drain' ? 'draining' : null;
    this.health = { ...this.health, operatorState };
    if (!HEALTHY.has(this.health.state)) return;
    const fixed = operatorState === null ? 'uncordoned by an operator' : OPERATOR_REASON[operatorState];
    const reason = by === undefined ? fixed : fixed.replace('an operator', by);
    this.move(healthyTarget(this.health), reason);
  }
}

/**
 * Advances a node's health by one input. Pure: time comes in with the input,
 * and every input first applies the passage of time up to its `at`, so no
 * answer can claim a node is healthy after it has gone silent.
 *
 * @example
 * let h = initialHealth(0);
 * ({ health: h } = stepHealth(h, { kind: 'heartbeat', at: 1_000 })); // joining → ready
 * const { transitions } = stepHealth(h, { kind: 'tick', at: 20_000 }); // ready → suspect
 */
export function stepHealth(
  health: NodeHealth,
  input: HealthInput,
  config: HealthConfig = defaultHealthConfig,
): HealthStep {
  const now = Math.max(input.at, health.observedAt);
  const stepper = new Stepper({ ...health, observedAt: now }, config, now, input.watchedSince);
  stepper.pruneFailures();
  stepper.evaluateTime();
  if (input.kind === 'heartbeat') {
    stepper.health = { ...stepper.health, lastHeartbeatAt: now };
    stepper.maybeRecover();
  } else if (input.kind !== 'tick') {
    stepper.operator(input.kind, input.by);
  }
  return { health: stepper.health, transitions: stepper.transitions };
}
