import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  chunkedMax,
  chunkedMin,
  chunkedSize,
  countWithinChunked,
  createChunkedWindow,
  pushChunked,
  quantileChunked,
} from './chunked-window.js';
import { countWithin, createSortedWindow, pushSorted, quantile } from './sorted-window.js';

// Few distinct values (many ties), wide doubles, and long level-shifted runs, as metrics produce.
const value = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom(0, -0, 1e-300, -1e-300),
);
const stream = fc.array(value, { minLength: 1, maxLength: 3000, size: 'max' });

test('the chunked window answers every count and quantile exactly as the sorted window does', () => {
  fc.assert(
    fc.property(
      stream,
      fc.integer({ min: 1, max: 400 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
      fc.double({ min: 0, max: 1e3, noNaN: true }),
      (xs, capacity, qs, width) => {
        const plain = createSortedWindow(capacity);
        const chunked = createChunkedWindow(capacity);
        for (const [i, x] of xs.entries()) {
          pushSorted(plain, x);
          pushChunked(chunked, x);
          // Checking every point would be quadratic; every 37th still crosses many splits and merges.
          if (i % 37 !== 0 && i !== xs.length - 1) continue;
          expect(chunked.chunks.flat()).toEqual(plain.sorted);
          expect(chunkedSize(chunked)).toBe(plain.sorted.length);
          expect(chunkedMin(chunked)).toBe(plain.sorted[0]);
          expect(chunkedMax(chunked)).toBe(plain.sorted[plain.sorted.length - 1]);
          for (const q of qs) expect(quantileChunked(chunked, q)).toBe(quantile(plain, q));
          expect(countWithinChunked(chunked, x - width, x + width)).toBe(countWithin(plain, x - width, x + width));
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('an empty chunked window has no extremes and quantile 0', () => {
  const w = createChunkedWindow(10);
  expect(chunkedMin(w)).toBeUndefined();
  expect(chunkedMax(w)).toBeUndefined();
  expect(quantileChunked(w, 0.5)).toBe(0);
  expect(countWithinChunked(w, -1, 1)).toBe(0);
});

test('the chunked window survives JSON and keeps counting the same afterwards', () => {
  const w = createChunkedWindow(300);
  for (let i = 0; i < 1000; i++) pushChunked(w, (i * 7919) % 101);
  const restored = JSON.parse(JSON.stringify(w));
  for (let i = 0; i < 500; i++) {
    pushChunked(w, (i * 31) % 97);
    pushChunked(restored, (i * 31) % 97);
  }
  expect(restored).toEqual(w);
  expect(quantileChunked(restored, 0.9)).toBe(quantileChunked(w, 0.9));
});
