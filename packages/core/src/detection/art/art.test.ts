import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { artFactory } from './detector.js';
import { features, haar } from './features.js';
import { complementCode, createFuzzyArt, rescaleFuzzyArt, trainFuzzyArt } from './fuzzy-art.js';

const MINUTE = 60_000;

/** A deterministic noisy daily-like cycle (LCG noise, no Math.random). */
function cycle(n: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return 100 + 30 * Math.sin((2 * Math.PI * i) / 96) + 4 * (x / 2147483648);
  });
}

function scores(values: readonly number[], config = {}): number[] {
  const d = artFactory.create(config);
  return values.map((v, i) => d.update(i * 5 * MINUTE, v).score);
}

describe('art detector', () => {
  test('nothing is scored while the warm-up lasts', () => {
    const values = cycle(400);
    values[100] = 1_000;
    const s = scores(values);
    expect(s.slice(0, artFactory.defaults.minWarmup).every((v) => v === 0)).toBe(true);
  });

  test('a recurring cycle is learned, so its later periods raise no novelty', () => {
    // Long enough for the coarsest scale to have taken over.
    const s = scores(cycle(7000));
    expect(s.slice(6000).filter((v) => v > 0)).toEqual([]);
  });

  test('once the coarsest scale speaks, the finer ones are dropped', () => {
    const d = artFactory.create();
    const values = cycle(6000);
    for (const [i, v] of values.entries()) d.update(i * 5 * MINUTE, v);
    const { ladder } = d.snapshot();
    expect(ladder.stages.map((s) => s.config.blockSize)).toEqual([artFactory.defaults.blockSizes.at(-1)]);
  });

  test('a jump beyond every value seen is reported at the point it arrives', () => {
    const values = cycle(2000);
    values[1501] = 400;
    const s = scores(values);
    expect(s[1501]).toBeGreaterThan(0);
    expect(s.slice(1400, 1501).every((v) => v === 0)).toBe(true);
  });

  test('a level shift is reported once, not at every point of the new level', () => {
    const values = cycle(2500).map((v, i) => (i >= 1500 ? v + 200 : v));
    const s = scores(values);
    const reported = s.slice(1500, 1600).filter((v) => v > 0).length;
    expect(reported).toBeGreaterThanOrEqual(1);
    expect(reported).toBeLessThanOrEqual(3);
  });

  test('a config value that is not a positive integer is refused, naming the key', () => {
    expect(() => artFactory.create({ warmupBlocks: 0 })).toThrow(/warmupBlocks must be a positive integer/);
    expect(() => artFactory.create({ blockSizes: [4, 2] })).toThrow(/blockSizes must be increasing/);
    expect(() => artFactory.create({ window: 6 })).toThrow(/window must be a power of two/);
  });
});

describe('feature vectors', () => {
  test('the Haar transform of a constant window keeps only the average', () => {
    const out = new Float64Array(8);
    haar([2, 2, 2, 2, 2, 2, 2, 2], out, new Float64Array(8));
    expect(out[0]).toBeCloseTo(2 * Math.sqrt(8));
    for (let k = 1; k < 8; k++) expect(out[k]).toBeCloseTo(0);
  });

  test('the shape half ignores the level and the level half keeps it', () => {
    const low = new Float64Array(16);
    const high = new Float64Array(16);
    const work = new Float64Array(16);
    features([0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2], low, work);
    features([0.6, 0.7, 0.6, 0.7, 0.6, 0.7, 0.6, 0.7], high, work);
    for (let k = 0; k < 8; k++) expect(low[k]).toBeCloseTo(high[k]!);
    expect(high[15]! - low[15]!).toBeCloseTo(0.5);
  });
});

describe('fuzzy ART memory', () => {
  test('widening the range re-expresses categories exactly as if the wider range had been known', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.array(unit, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        (inputs) => {
          const [a, b] = [0.5, 0.25];
          const before = createFuzzyArt(4, 64);
          const after = createFuzzyArt(4, 64);
          // Vigilance 0: one category learns every input, so both memories take the same decisions.
          const coded = new Float64Array(8);
          for (const x of inputs) {
            complementCode(x, coded);
            trainFuzzyArt(before, coded);
            // Only the last two positions are levels; the first two are shape and stay put.
            complementCode([x[0]!, x[1]!, a * x[2]! + b, a * x[3]! + b], coded);
            trainFuzzyArt(after, coded);
          }
          rescaleFuzzyArt(before, 2, a, b);
          expect(before.norms.length).toBe(after.norms.length);
          for (const [k, w] of before.weights.entries()) expect(w).toBeCloseTo(after.weights[k]!, 9);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('skipping categories that cannot matter never changes what the memory learns', () => {
    const dim = 8;
    /** The textbook rule, every category in full: shape overlap³ × newest-level overlap². */
    function naiveBest(weights: number[], count: number, x: Float64Array): number {
      let best = 0;
      for (let c = 0; c < count; c++) {
        const w = weights.slice(c * 2 * dim, (c + 1) * 2 * dim);
        const overlap = w.reduce((sum, v, k) => sum + Math.min(v, x[k]!), 0);
        const norm = w.reduce((sum, v) => sum + v, 0) || 1e-3;
        const wl = w[dim - 1]! + w[2 * dim - 1]!;
        const xl = Math.min(w[dim - 1]!, x[dim - 1]!) + Math.min(w[2 * dim - 1]!, x[2 * dim - 1]!);
        const level = wl > 0 ? xl / wl : 1;
        best = Math.max(best, (overlap / norm) ** 3 * level ** 2);
      }
      return best;
    }
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.array(unit, { minLength: dim, maxLength: dim }), { minLength: 2, maxLength: 40 }),
        (inputs) => {
          const art = createFuzzyArt(dim, 16);
          art.rhoLow = 0.5;
          art.rhoHigh = 0.7;
          const coded = new Float64Array(2 * dim);
          for (const x of inputs) {
            complementCode(x, coded);
            const expected = naiveBest(art.weights, art.norms.length, coded);
            expect(trainFuzzyArt(art, coded).best).toBeCloseTo(expected, 9);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  test('the memory never holds more categories than its capacity', () => {
    const art = createFuzzyArt(2, 5);
    art.rhoLow = 0.99;
    art.rhoHigh = 0.99;
    const coded = new Float64Array(4);
    for (let i = 0; i < 50; i++) {
      complementCode([(i % 10) / 10, ((i * 3) % 10) / 10], coded);
      trainFuzzyArt(art, coded);
    }
    expect(art.norms.length).toBe(5);
    expect(art.weights.length).toBe(5 * 4);
  });
});
