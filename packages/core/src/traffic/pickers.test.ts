import { describe, expect, it } from 'vitest';
import { seeded } from '../testing/synthetic-series.js';
import { consistentHash, leastRequest, p2cPeakEwma, roundRobin, weighted } from './pickers.js';
import type { Endpoint } from './types.js';

const three: Endpoint[] = [
  { id: 'a', weight: 1 },
  { id: 'b', weight: 1 },
  { id: 'c', weight: 1 },
];

describe('pickers', () => {
  it('round-robin visits endpoints in turn', () => {
    const p = roundRobin();
    const ctx = { nowMs: 0, random: () => 0 };
    expect(Array.from({ length: 6 }, () => p.pick(three, ctx)?.id)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('weighted spreads a 5:1:1 split smoothly, as nginx does', () => {
    const p = weighted();
    const eps: Endpoint[] = [
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ];
    const ctx = { nowMs: 0, random: () => 0 };
    expect(Array.from({ length: 7 }, () => p.pick(eps, ctx)?.id).join('')).toBe('aabacaa');
  });

  it('least-request avoids the endpoint with outstanding requests', () => {
    const p = leastRequest();
    p.onStart('a', 0);
    p.onStart('a', 0);
    p.onStart('b', 0);
    const random = seeded(1);
    for (let i = 0; i < 20; i++) expect(p.pick(three, { nowMs: 0, random })?.id).toBe('c');
  });

  it('p2c peak-EWMA sends almost nothing to an endpoint 50 ms slower than its peers', () => {
    const p = p2cPeakEwma();
    const random = seeded(3);
    const latency: Record<string, number> = { a: 1, b: 1, c: 51 };
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    // Simulated time: 64 requests outstanding at once, each finishing after its endpoint's latency.
    const pending: { id: string; endsAt: number; startedAt: number }[] = [];
    let now = 0;
    for (let i = 0; i < 100_000; i++) {
      while (pending.length >= 64) {
        pending.sort((x, y) => x.endsAt - y.endsAt);
        const done = pending.shift()!;
        now = Math.max(now, done.endsAt);
        p.onEnd(done.id, now, { latencyMs: done.endsAt - done.startedAt, failed: false });
      }
      const e = p.pick(three, { nowMs: now, random })!;
      counts[e.id]!++;
      p.onStart(e.id, now);
      pending.push({ id: e.id, startedAt: now, endsAt: now + latency[e.id]! * (1 + pending.length / 64) });
    }
    expect(counts.c! / 100_000).toBeLessThan(0.001);
    expect(counts.a).toBeGreaterThan(30_000);
    expect(counts.b).toBeGreaterThan(30_000);
  });

  it('p2c peak-EWMA charges a failure as expensive, so a refusing endpoint is not mistaken for a fast one', () => {
    const p = p2cPeakEwma();
    p.onStart('c', 0);
    p.onEnd('c', 0.1, { latencyMs: 0.1, failed: true });
    p.onStart('a', 0);
    p.onEnd('a', 2, { latencyMs: 2, failed: false });
    expect(p.load.latencyMs('c', 1)).toBeGreaterThan(p.load.latencyMs('a', 1));
  });

  it('peak-EWMA decays an idle estimate so a once-slow endpoint is probed again', () => {
    const p = p2cPeakEwma({ decayMs: 10_000 });
    p.onStart('c', 0);
    p.onEnd('c', 50, { latencyMs: 50, failed: false });
    expect(p.load.latencyMs('c', 50)).toBe(50);
    expect(p.load.latencyMs('c', 50 + 10_000)).toBeCloseTo(50 / Math.E, 5);
  });

  it('consistent hashing keeps a key on one endpoint and moves only the removed endpoint’s keys', () => {
    const p = consistentHash();
    const random = seeded(9);
    const five: Endpoint[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, weight: 1 }));
    const before = new Map<string, string>();
    for (let i = 0; i < 2000; i++) before.set(`k${i}`, p.pick(five, { nowMs: 0, random, hashKey: `k${i}` })!.id);
    for (let i = 0; i < 2000; i++)
      expect(p.pick(five, { nowMs: 0, random, hashKey: `k${i}` })!.id).toBe(before.get(`k${i}`));
    const four = five.filter((e) => e.id !== 'c');
    let moved = 0;
    for (const [key, owner] of before) {
      const now = p.pick(four, { nowMs: 0, random, hashKey: key })!.id;
      if (owner !== 'c') expect(now).toBe(owner);
      else moved++;
    }
    // Each of five endpoints owns roughly a fifth of the keys.
    expect(moved).toBeGreaterThan(200);
    expect(moved).toBeLessThan(700);
  });
});
