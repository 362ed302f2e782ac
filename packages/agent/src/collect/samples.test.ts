import { describe, expect, it } from 'vitest';
import { SampleSink } from './samples.js';

describe('SampleSink', () => {
  it('stamps every sample with the collection time', () => {
    const sink = new SampleSink(1_000);
    sink.add('mem.used_bytes', 5);
    sink.add('disk.used_pct', 40, { mount: '/' });
    expect(sink.samples).toEqual([
      { ts: 1_000, name: 'mem.used_bytes', value: 5 },
      { ts: 1_000, name: 'disk.used_pct', value: 40, labels: { mount: '/' } },
    ]);
  });

  it('skips values the wire contract would reject instead of failing the heartbeat', () => {
    const sink = new SampleSink(0);
    sink.add('load.1', Number.NaN);
    sink.add('load.5', Number.POSITIVE_INFINITY);
    sink.add('swap.used_bytes', null);
    sink.add('disk.used_pct', 1, { mount: 'x'.repeat(254) });
    expect(sink.samples).toEqual([]);
  });

  it('refuses a metric name outside the naming pattern, since that is a bug in the collector', () => {
    expect(() => new SampleSink(0).add('CPU Usage', 1)).toThrow(/must match/);
  });

  it('ignores samples added after it was sealed, so a late source cannot change a handed-on batch', () => {
    const sink = new SampleSink(0);
    sink.add('proc.count', 10);
    const sealed = sink.seal();
    sink.add('proc.count', 11);
    expect(sealed).toEqual([{ ts: 0, name: 'proc.count', value: 10 }]);
  });
});
