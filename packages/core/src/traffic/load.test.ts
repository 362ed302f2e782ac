import { describe, expect, it } from 'vitest';
import { LoadTracker } from './load.js';

function answer(t: LoadTracker, id: string, atMs: number, latencyMs: number): void {
  t.start(id, atMs - latencyMs);
  t.end(id, atMs, latencyMs, false);
}

describe('LoadTracker', () => {
  it('takes the first answer as the mean and then blends by elapsed time', () => {
    const t = new LoadTracker({ meanDecayMs: 1_000 });
    expect(t.meanLatencyMs('a')).toBe(1); // the initial guess until anything is known
    answer(t, 'a', 1_000, 50);
    expect(t.meanLatencyMs('a')).toBe(50);
    answer(t, 'a', 2_000, 10); // one time constant later: 1/e of the old mean remains
    expect(t.meanLatencyMs('a')).toBeCloseTo(50 * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 6);
  });

  it('keeps the mean while nothing is observed, where the peak estimate sinks', () => {
    const t = new LoadTracker({ decayMs: 10_000 });
    answer(t, 'a', 1_000, 80);
    expect(t.latencyMs('a', 31_000)).toBeCloseTo(80 * Math.exp(-3), 6);
    expect(t.meanLatencyMs('a')).toBe(80);
  });

  it('lets one slow answer among many fast ones set the peak but barely move the mean', () => {
    const t = new LoadTracker();
    const latencies = [...Array<number>(1_000).fill(2), 40, ...Array<number>(10).fill(2)];
    latencies.forEach((ms, i) => {
      answer(t, 'a', i + 1, ms);
    });
    const now = latencies.length;
    expect(t.latencyMs('a', now)).toBeGreaterThan(39);
    expect(t.meanLatencyMs('a')).toBeLessThan(3);
  });
});
