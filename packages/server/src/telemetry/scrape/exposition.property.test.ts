import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExposedSample, ExpositionError, formatExposition, parseExposition } from './exposition.js';

const sample: fc.Arbitrary<ExposedSample> = fc.record(
  {
    name: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/),
    labels: fc.dictionary(
      fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
      fc.string({ unit: 'grapheme', maxLength: 10 }),
      {
        maxKeys: 4,
      },
    ),
    value: fc.oneof(fc.double(), fc.integer().map(Number)),
    timestampMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  },
  { requiredKeys: ['name', 'labels', 'value'] },
);

describe('text exposition parser', () => {
  it('reads back what formatExposition writes, with comments and blank lines between', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 12 }), (samples) => {
        const text = `# HELP x some help\n# TYPE x gauge\n\n${formatExposition(samples)}`;
        const parsed = parseExposition(text);
        expect(parsed.length).toBe(samples.length);
        parsed.forEach((p, i) => {
          const s = samples[i] as ExposedSample;
          expect(p.name).toBe(s.name);
          expect(p.labels).toEqual(s.labels);
          expect(Object.is(p.value, s.value) || (Number.isNaN(p.value) && Number.isNaN(s.value))).toBe(true);
          expect(p.timestampMs).toBe(s.timestampMs);
        });
      }),
    );
  });

  it('never throws anything but an ExpositionError naming a line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parseExposition(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ExpositionError);
          expect((error as ExpositionError).line).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('reads what node_exporter serves: escapes, NaN, +Inf buckets, exponents', () => {
    const text = [
      '# HELP node_filesystem_avail_bytes Filesystem space available.',
      'node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1.2345e+10',
      'node_scrape_collector_success{collector="a\\"b\\\\c\\nd"} 1',
      'http_request_duration_seconds_bucket{le="+Inf"} 42',
      'weird NaN',
      'neg -Inf 1700000000000',
      '  spaced { a = "b" , } 3',
    ].join('\n');
    expect(parseExposition(text)).toEqual([
      {
        name: 'node_filesystem_avail_bytes',
        labels: { device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' },
        value: 1.2345e10,
      },
      { name: 'node_scrape_collector_success', labels: { collector: 'a"b\\c\nd' }, value: 1 },
      { name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: 42 },
      { name: 'weird', labels: {}, value: Number.NaN },
      { name: 'neg', labels: {}, value: Number.NEGATIVE_INFINITY, timestampMs: 1_700_000_000_000 },
      { name: 'spaced', labels: { a: 'b' }, value: 3 },
    ]);
    expect(() => parseExposition('ok 1\nbad{x="1" 2')).toThrow(/line 2/);
    expect(() => parseExposition('x one')).toThrow(/not a number/);
  });
});
