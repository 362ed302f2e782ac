import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seeded } from '../testing/synthetic-series.js';
import { createPicker, pickerNames } from './pickers.js';
import type { Endpoint, PickContext } from './types.js';

const endpoints = fc.uniqueArray(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 6 }),
    weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 })),
    zone: fc.constantFrom('a', 'b', undefined),
  }),
  { selector: (e) => e.id, maxLength: 12 },
);

// One contract for every picker; none is skipped.
describe.each(pickerNames)('picker contract: %s', (name) => {
  it('returns one of the candidates with weight, or undefined only when none has weight', () => {
    fc.assert(
      fc.property(endpoints, fc.integer(), fc.option(fc.string()), (eps: Endpoint[], seed, key) => {
        const picker = createPicker(name);
        const ctx: PickContext = { nowMs: 1000, random: seeded(seed), hashKey: key ?? undefined };
        for (let i = 0; i < 20; i++) {
          const chosen = picker.pick(eps, ctx);
          if (eps.every((e) => e.weight === 0)) expect(chosen).toBeUndefined();
          else {
            expect(chosen).toBeDefined();
            expect(chosen!.weight).toBeGreaterThan(0);
            expect(eps).toContain(chosen);
          }
        }
      }),
    );
  });

  it('survives endpoints appearing and disappearing between picks', () => {
    fc.assert(
      fc.property(fc.array(endpoints, { minLength: 1, maxLength: 10 }), fc.integer(), (sets, seed) => {
        const picker = createPicker(name);
        const random = seeded(seed);
        let now = 0;
        for (const eps of sets) {
          now += 7;
          const chosen = picker.pick(eps, { nowMs: now, random, hashKey: 'k' });
          if (chosen) {
            picker.onStart(chosen.id, now);
            picker.onEnd(chosen.id, now + 3, { latencyMs: 3, failed: false });
            expect(eps).toContain(chosen);
          }
        }
      }),
    );
  });

  it('reaches every endpoint with weight over many picks with varying keys', () => {
    const eps: Endpoint[] = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 2 },
      { id: 'c', weight: 1 },
    ];
    const picker = createPicker(name);
    const random = seeded(7);
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      // Requests stay outstanding, so load-aware pickers see the chosen endpoint getting busier.
      const e = picker.pick(eps, { nowMs: i, random, hashKey: `user-${i}` });
      if (e) {
        seen.add(e.id);
        picker.onStart(e.id, i);
      }
    }
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });
});
