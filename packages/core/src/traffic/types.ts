/**
 * One upstream a picker may choose. `weight` is relative (0 means "send nothing new", as while draining);
 * `zone` is the failure domain used by zone-aware selection.
 */
export interface Endpoint {
  readonly id: string;
  readonly weight: number;
  readonly zone?: string | undefined;
}

/**
 * What a pick may depend on besides the endpoints: the time (for latency decay), a random source in [0, 1)
 * (seeded in tests), and a key for consistent hashing. Core never reads a clock or `Math.random` itself.
 */
export interface PickContext {
  readonly nowMs: number;
  readonly random: () => number;
  readonly hashKey?: string | undefined;
}

/** Names of the built-in pickers, as written in configuration. */
export type PickerName = 'round-robin' | 'weighted' | 'least-request' | 'p2c-peak-ewma' | 'consistent-hash';

/**
 * Chooses one endpoint among candidates. Pickers that learn from traffic get told when a request starts and ends
 * (`onStart`/`onEnd`); the others ignore those calls. `pick` returns `undefined` only when no candidate has weight.
 */
export interface Picker {
  readonly name: PickerName;
  pick(candidates: readonly Endpoint[], ctx: PickContext): Endpoint | undefined;
  onStart(id: string, nowMs: number): void;
  onEnd(id: string, nowMs: number, outcome: RequestOutcome): void;
}

/** How one request to an endpoint went: its latency, and whether it failed before a response. */
export interface RequestOutcome {
  readonly latencyMs: number;
  readonly failed: boolean;
}
