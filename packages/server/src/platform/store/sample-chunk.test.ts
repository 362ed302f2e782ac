import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeChunk, decodeChunkSamplesNamed, encodeChunk, labelsKey } from './sample-chunk.js';

const labels = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), { maxKeys: 4 });
const sample = fc.record(
  {
    ts: fc.integer({ min: -8.64e15, max: 8.64e15 }),
    name: fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/),
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    labels,
  },
  { requiredKeys: ['ts', 'name', 'value'] },
);

describe('sample chunks', () => {
  it('decode(encode(samples)) gives every sample back exactly, with its time bounds', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 50 }), (samples) => {
        const chunk = encodeChunk(samples);
        const back = decodeChunk(chunk.text);
        expect(chunk.count).toBe(samples.length);
        expect(back).toHaveLength(samples.length);
        back.forEach(([name, ts, value, l], i) => {
          const s = samples[i];
          expect(name).toBe(s?.name);
          expect(ts).toBe(s?.ts);
          // JSON has no negative zero; a stored -0 reads back as 0, which no average can tell apart.
          expect(value === s?.value || (value === 0 && s?.value === 0)).toBe(true);
          expect(l ?? {}).toEqual(s?.labels ?? {});
        });
        if (samples.length > 0) {
          expect(chunk.tsMin).toBe(Math.min(...samples.map((s) => s.ts)));
          expect(chunk.tsMax).toBe(Math.max(...samples.map((s) => s.ts)));
        }
      }),
    );
  });

  it('picks the samples of one name exactly as a full decode would, whatever the labels hold', () => {
    // Label text that looks like sample syntax must not be mistaken for a sample or end one early.
    const tricky = fc.constantFrom('["cpu.usage_pct",', ']', '}', '\\', '\\"]', '{"a":[1]}', '"');
    const trickyLabels = fc.dictionary(fc.oneof(tricky, fc.string({ maxLength: 4 })), fc.oneof(tricky, fc.string()), {
      maxKeys: 3,
    });
    const named = fc.record(
      {
        ts: fc.integer({ min: 0, max: 1e13 }),
        name: fc.constantFrom('cpu.usage_pct', 'cpu.usage_pct2', 'mem.used_bytes'),
        value: fc.double({ noNaN: true, noDefaultInfinity: true }),
        labels: trickyLabels,
      },
      { requiredKeys: ['ts', 'name', 'value'] },
    );
    fc.assert(
      fc.property(fc.array(named, { maxLength: 30 }), (samples) => {
        const text = encodeChunk(samples).text;
        expect(decodeChunkSamplesNamed(text, 'cpu.usage_pct')).toEqual(
          decodeChunk(text).filter(([name]) => name === 'cpu.usage_pct'),
        );
      }),
    );
  });

  it('rounds fractional agent timestamps to whole milliseconds', () => {
    const chunk = encodeChunk([{ ts: 1_000.6, name: 'a', value: 1 }]);
    expect(decodeChunk(chunk.text)[0]?.[1]).toBe(1_001);
    expect([chunk.tsMin, chunk.tsMax]).toEqual([1_001, 1_001]);
  });

  it('gives one label key per label set, whatever order the keys arrive in', () => {
    fc.assert(
      fc.property(labels, fc.infiniteStream(fc.nat()), (set, seeds) => {
        const entries = Object.entries(set);
        const shuffled = entries.map((e) => [seeds.next().value, e] as const).sort((a, b) => a[0] - b[0]);
        const reordered = Object.fromEntries(shuffled.map(([, e]) => e));
        expect(labelsKey(reordered)).toBe(labelsKey(set));
      }),
    );
    expect(labelsKey({ a: '1' })).not.toBe(labelsKey({ a: '2' }));
    expect(labelsKey({})).toBe(labelsKey(undefined));
  });
});
