import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialActiveHealth, stepActiveHealth } from './active-health.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { OutlierDetector } from './outlier.js';
import { RetryBudget } from './retry-budget.js';
import type { Endpoint } from './types.js';
import { selectCandidates } from './zones.js';

describe('zone-aware selection', () => {
  const eps: Endpoint[] = [
    { id: 'a1', weight: 1, zone: 'a' },
    { id: 'a2', weight: 1, zone: 'a' },
    { id: 'b1', weight: 1, zone: 'b' },
  ];
  it('prefers healthy endpoints in the local zone', () => {
    const r = selectCandidates(eps, () => true, { localZone: 'a', spillBelow: 0.5, panicBelow: 0 });
    expect(r.decision).toBe('local');
    expect(r.candidates.map((e) => e.id)).toEqual(['a1', 'a2']);
  });
  it('spills over when the local healthy share falls below the threshold', () => {
    const r = selectCandidates(eps, (id) => id !== 'a1', { localZone: 'a', spillBelow: 0.7, panicBelow: 0 });
    expect(r.decision).toBe('spill');
    expect(r.candidates.map((e) => e.id)).toEqual(['a2', 'b1']);
  });
  it('never returns an unhealthy endpoint outside panic, nor an empty set while one is healthy', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ zone: fc.constantFrom('a', 'b', 'c'), ok: fc.boolean(), w: fc.nat(3) }), {
          maxLength: 10,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (specs, spill) => {
          const list = specs.map((s, i) => ({ id: `e${i}`, weight: s.w, zone: s.zone }));
          const ok = (id: string) => specs[Number(id.slice(1))]!.ok;
          const r = selectCandidates(list, ok, { localZone: 'a', spillBelow: spill, panicBelow: 0 });
          for (const c of r.candidates) expect(ok(c.id) && c.weight > 0).toBe(true);
          if (list.some((e) => e.weight > 0 && ok(e.id))) expect(r.candidates.length).toBeGreaterThan(0);
        },
      ),
    );
  });
  it('in panic routes across every endpoint with weight', () => {
    const r = selectCandidates(eps, (id) => id === 'b1', { spillBelow: 0.7, panicBelow: 0.5 });
    expect(r.decision).toBe('panic');
    expect(r.candidates).toHaveLength(3);
  });
});

describe('outlier ejection', () => {
  const ids = ['a', 'b', 'c', 'd'];
  it('ejects on the first connect failure and lets the endpoint back after the ejection time', () => {
    const o = new OutlierDetector({ baseEjectionMs: 1000 });
    expect(o.record('a', 'connect-failure', ids, 0)).toBe(true);
    expect(o.isEjected('a', 999)).toBe(true);
    expect(o.isEjected('a', 1000)).toBe(false);
  });
  it('ejects after consecutive server errors only, a success resets the count', () => {
    const o = new OutlierDetector({ consecutiveServerErrors: 3 });
    o.record('a', 'server-error', ids, 0);
    o.record('a', 'server-error', ids, 0);
    o.record('a', 'success', ids, 0);
    o.record('a', 'server-error', ids, 0);
    expect(o.isEjected('a', 1)).toBe(false);
    o.record('a', 'server-error', ids, 0);
    expect(o.record('a', 'server-error', ids, 0)).toBe(true);
  });
  it('never ejects more than the maximum share, whatever fails', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.constantFrom(...ids),
            ev: fc.constantFrom('success', 'server-error', 'connect-failure'),
            gap: fc.nat(5000),
          }),
          { maxLength: 200 },
        ),
        fc.constantFrom(0.25, 0.5, 0.75),
        (events, share) => {
          const o = new OutlierDetector({ maxEjectedShare: share, baseEjectionMs: 3000 });
          let now = 0;
          for (const e of events) {
            now += e.gap;
            o.record(e.id, e.ev as 'success', ids, now);
            expect(o.ejectedCount(ids, now) / ids.length).toBeLessThanOrEqual(share);
          }
        },
      ),
    );
  });
  it('ejects a repeat offender for longer each time, up to the cap', () => {
    const o = new OutlierDetector({ baseEjectionMs: 1000, maxEjectionMs: 2500 });
    o.record('a', 'connect-failure', ids, 0);
    o.record('a', 'connect-failure', ids, 1000);
    expect(o.isEjected('a', 2999)).toBe(true);
    o.record('a', 'connect-failure', ids, 3000);
    expect(o.isEjected('a', 5499)).toBe(true);
    expect(o.isEjected('a', 5500)).toBe(false);
  });
});

describe('retry budget', () => {
  it('allows the floor when idle and a ratio of traffic on top', () => {
    const b = new RetryBudget({ ratio: 0.1, minPerSecond: 1, windowMs: 1000 });
    expect(b.tryRetry(0)).toBe(true);
    expect(b.tryRetry(0)).toBe(false);
    for (let i = 0; i < 100; i++) b.recordRequest(10);
    let granted = 0;
    while (b.tryRetry(10)) granted++;
    expect(granted).toBe(10);
  });
  it('never grants more retries in a window than the floor plus the ratio of requests', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.nat(300), req: fc.boolean() }), { maxLength: 300 }), (steps) => {
        const b = new RetryBudget({ ratio: 0.2, minPerSecond: 2, windowMs: 1000 });
        let now = 1;
        let requests = 0;
        let retries = 0;
        for (const s of steps) {
          now += s.gap;
          if (s.req) {
            b.recordRequest(now);
            requests++;
          } else if (b.tryRetry(now)) retries++;
        }
        // Over the whole run the window only forgets, so the total is bounded by the per-window allowance times windows.
        const windows = Math.ceil(now / 1000) + 1;
        expect(retries).toBeLessThanOrEqual(2 * windows + 0.2 * requests + 1);
      }),
    );
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, half-opens after the wait, and closes on a good probe', () => {
    const c = new CircuitBreaker({ failureThreshold: 2, openMs: 100, halfOpenProbes: 1 });
    c.onFailure(0);
    expect(c.allow(0)).toBe(true);
    c.onFailure(1);
    expect(c.state(1)).toBe('open');
    expect(c.allow(50)).toBe(false);
    expect(c.allow(101)).toBe(true);
    expect(c.allow(101)).toBe(false);
    c.onSuccess(120);
    expect(c.state(120)).toBe('closed');
  });
  it('reopens when the half-open probe fails', () => {
    const c = new CircuitBreaker({ failureThreshold: 1, openMs: 100 });
    c.onFailure(0);
    expect(c.allow(100)).toBe(true);
    c.onFailure(110);
    expect(c.state(150)).toBe('open');
    expect(c.state(210)).toBe('half-open');
  });
});

describe('active health', () => {
  it('falls after `fall` failures and rises after `rise` passes', () => {
    const o = { rise: 2, fall: 3 };
    let s = initialActiveHealth;
    s = stepActiveHealth(s, false, o);
    s = stepActiveHealth(s, false, o);
    expect(s.up).toBe(true);
    s = stepActiveHealth(s, false, o);
    expect(s.up).toBe(false);
    s = stepActiveHealth(s, true, o);
    expect(s.up).toBe(false);
    s = stepActiveHealth(s, false, o);
    s = stepActiveHealth(s, true, o);
    s = stepActiveHealth(s, true, o);
    expect(s.up).toBe(true);
  });
});
