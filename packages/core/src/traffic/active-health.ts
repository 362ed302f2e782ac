/**
 * Active health check state, HAProxy style: `rise` consecutive passing checks mark an endpoint up, `fall`
 * consecutive failing ones mark it down. New endpoints start up so a fresh proxy serves before the first check.
 */
export interface ActiveHealthOptions {
  readonly path: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
}

export const defaultActiveHealthOptions: ActiveHealthOptions = Object.freeze({
  path: '/healthz',
  intervalMs: 2_000,
  timeoutMs: 1_000,
  rise: 2,
  fall: 3,
});

export interface ActiveHealth {
  readonly up: boolean;
  readonly streak: number;
}

export const initialActiveHealth: ActiveHealth = Object.freeze({ up: true, streak: 0 });

/** One check result folded into the state; `streak` counts consecutive results against the current verdict. */
export function stepActiveHealth(
  state: ActiveHealth,
  passed: boolean,
  options: Pick<ActiveHealthOptions, 'rise' | 'fall'>,
): ActiveHealth {
  if (passed === state.up) return { up: state.up, streak: 0 };
  const streak = state.streak + 1;
  const needed = state.up ? options.fall : options.rise;
  return streak >= needed ? { up: passed, streak: 0 } : { up: state.up, streak };
}
