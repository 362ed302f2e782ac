/**
 * The seams through which the agent touches time and chance. Production uses
 * the real clock and `Math.random`; tests pass their own so that backoff and
 * scheduling are deterministic without timed assertions.
 */

/** Wall-clock milliseconds since the Unix epoch. */
export type Clock = () => number;

/** A uniform random number in [0, 1). */
export type Random = () => number;

/**
 * Waits `ms` milliseconds, or less if `signal` aborts. Resolves (never rejects)
 * on abort, so a stopping agent just falls out of its loop.
 */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Everything time- or chance-dependent the agent uses, injectable as a whole or in part. */
export interface AgentRuntime {
  clock: Clock;
  random: Random;
  sleep: Sleep;
}

/** Real timers; the timer is cleared as soon as the signal aborts so nothing keeps the process alive. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** The runtime of a real deployment: system clock, `Math.random`, real timers. */
export const realRuntime: AgentRuntime = Object.freeze({
  clock: () => Date.now(),
  random: () => Math.random(),
  sleep: realSleep,
});
