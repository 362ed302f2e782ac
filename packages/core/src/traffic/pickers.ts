import { LoadTracker, type PeakEwmaOptions } from './load.js';
import type { Endpoint, Picker, PickerName, RequestOutcome } from './types.js';

function live(candidates: readonly Endpoint[]): Endpoint[] {
  return candidates.filter((c) => c.weight > 0);
}

/** Cycles through endpoints with weight, ignoring the weights' sizes. */
export function roundRobin(): Picker {
  let next = 0;
  return {
    name: 'round-robin',
    pick(candidates) {
      const pool = live(candidates);
      if (pool.length === 0) return undefined;
      const chosen = pool[next % pool.length];
      next = (next + 1) % 1_000_000_007;
      return chosen;
    },
    onStart() {},
    onEnd() {},
  };
}

/**
 * Smooth weighted round-robin (nginx's algorithm): each pick adds every endpoint's weight to its running score,
 * takes the highest, and subtracts the total from it, which spreads a 5:1:1 split as a,a,b,a,c,a,a rather than in bursts.
 */
export function weighted(): Picker {
  const scores = new Map<string, number>();
  return {
    name: 'weighted',
    pick(candidates) {
      const pool = live(candidates);
      if (pool.length === 0) return undefined;
      let total = 0;
      let best: Endpoint | undefined;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const e of pool) {
        const score = (scores.get(e.id) ?? 0) + e.weight;
        scores.set(e.id, score);
        total += e.weight;
        if (score > bestScore) {
          best = e;
          bestScore = score;
        }
      }
      if (best) scores.set(best.id, bestScore - total);
      if (scores.size > pool.length * 2) {
        const ids = new Set(pool.map((e) => e.id));
        for (const id of scores.keys()) if (!ids.has(id)) scores.delete(id);
      }
      return best;
    },
    onStart() {},
    onEnd() {},
  };
}

/** Fewest outstanding requests per unit of weight; ties go to the earliest candidate after a random rotation. */
export function leastRequest(): Picker {
  const load = new LoadTracker();
  return {
    name: 'least-request',
    pick(candidates, ctx) {
      const pool = live(candidates);
      if (pool.length === 0) return undefined;
      const offset = Math.floor(ctx.random() * pool.length);
      let best: Endpoint | undefined;
      let bestScore = Number.POSITIVE_INFINITY;
      for (let i = 0; i < pool.length; i++) {
        const e = pool[(i + offset) % pool.length]!;
        const score = (load.inFlight(e.id) + 1) / e.weight;
        if (score < bestScore) {
          best = e;
          bestScore = score;
        }
      }
      return best;
    },
    onStart: (id, nowMs) => load.start(id, nowMs),
    onEnd: (id, nowMs, o: RequestOutcome) => load.end(id, nowMs, o.latencyMs, o.failed),
  };
}

/**
 * Power of two choices over peak-EWMA cost (Finagle's `P2CPeakEwma`, Linkerd's default): draw two distinct
 * endpoints at random, weighted, and send to the one with the lower latency × (outstanding + 1) / weight.
 * A slow endpoint keeps a high peak estimate, so it only gets work when both faster ones are much busier.
 */
export function p2cPeakEwma(options: Partial<PeakEwmaOptions> = {}): Picker & { readonly load: LoadTracker } {
  const load = new LoadTracker(options);
  const cost = (e: Endpoint, nowMs: number) => load.cost(e.id, nowMs) / e.weight;
  return {
    name: 'p2c-peak-ewma',
    load,
    pick(candidates, ctx) {
      const pool = live(candidates);
      if (pool.length <= 1) return pool[0];
      const a = drawWeighted(pool, ctx.random(), -1);
      const b = drawWeighted(pool, ctx.random(), a);
      const ea = pool[a]!;
      const eb = pool[b]!;
      return cost(ea, ctx.nowMs) <= cost(eb, ctx.nowMs) ? ea : eb;
    },
    onStart: (id, nowMs) => load.start(id, nowMs),
    onEnd: (id, nowMs, o: RequestOutcome) => load.end(id, nowMs, o.latencyMs, o.failed),
  };
}

/** Index drawn with probability proportional to weight, never `exclude` (when another index exists). */
function drawWeighted(pool: readonly Endpoint[], r: number, exclude: number): number {
  let total = 0;
  for (let i = 0; i < pool.length; i++) if (i !== exclude) total += pool[i]!.weight;
  let x = r * total;
  let last = -1;
  for (let i = 0; i < pool.length; i++) {
    if (i === exclude) continue;
    last = i;
    x -= pool[i]!.weight;
    if (x < 0) return i;
  }
  return last;
}

/** FNV-1a 32-bit: small, stable across runtimes, good enough to spread ring points. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche (murmur3 fmix32): FNV alone clusters keys that differ only in their last characters.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Consistent hashing on a ring with `pointsPerWeight` virtual points per unit of weight (Ketama style): the same
 * `hashKey` keeps landing on the same endpoint, and removing one endpoint moves only the keys it owned.
 * Without a key it falls back to a random endpoint.
 */
export function consistentHash(pointsPerWeight = 100): Picker {
  let ringKey = '';
  let ring: { point: number; endpoint: Endpoint }[] = [];
  const build = (pool: readonly Endpoint[]) => {
    const key = pool.map((e) => `${e.id}:${e.weight}`).join(',');
    if (key === ringKey) return;
    ringKey = key;
    ring = [];
    for (const e of pool) {
      const points = Math.max(1, Math.round(pointsPerWeight * e.weight));
      for (let i = 0; i < points; i++) ring.push({ point: fnv1a(`${e.id}#${i}`), endpoint: e });
    }
    ring.sort((x, y) => x.point - y.point || (x.endpoint.id < y.endpoint.id ? -1 : 1));
  };
  return {
    name: 'consistent-hash',
    pick(candidates, ctx) {
      const pool = live(candidates);
      if (pool.length === 0) return undefined;
      if (ctx.hashKey === undefined) return pool[Math.floor(ctx.random() * pool.length)];
      build(pool);
      const h = fnv1a(ctx.hashKey);
      let lo = 0;
      let hi = ring.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ring[mid]!.point < h) lo = mid + 1;
        else hi = mid;
      }
      return ring[lo % ring.length]!.endpoint;
    },
    onStart() {},
    onEnd() {},
  };
}

/** Builds a picker by its configured name. */
export function createPicker(name: PickerName): Picker {
  switch (name) {
    case 'round-robin':
      return roundRobin();
    case 'weighted':
      return weighted();
    case 'least-request':
      return leastRequest();
    case 'p2c-peak-ewma':
      return p2cPeakEwma();
    case 'consistent-hash':
      return consistentHash();
  }
}

export const pickerNames: readonly PickerName[] = Object.freeze([
  'round-robin',
  'weighted',
  'least-request',
  'p2c-peak-ewma',
  'consistent-hash',
]);
