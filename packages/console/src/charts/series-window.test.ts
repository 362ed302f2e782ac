import { describe, expect, it } from 'vitest';
import { alignForChart, appendSamples, samplesOf, seriesKey, windowFromRange } from './series-window.js';

describe('chart series window', () => {
  it('identifies a series by name and labels regardless of label order', () => {
    expect(seriesKey('net.rx_bps', { iface: 'eth0', b: '1' })).toBe(seriesKey('net.rx_bps', { b: '1', iface: 'eth0' }));
    expect(seriesKey('cpu.usage_pct')).toBe('cpu.usage_pct');
  });

  it('appends live samples after the backfilled range, in time order, replacing a repeated timestamp', () => {
    let window = windowFromRange([
      {
        name: 'cpu.usage_pct',
        labels: {},
        points: [
          [1000, 1],
          [2000, 2],
        ],
      },
    ]);
    window = appendSamples(window, [
      { ts: 4000, name: 'cpu.usage_pct', value: 4 },
      { ts: 3000, name: 'cpu.usage_pct', value: 3 },
      { ts: 2000, name: 'cpu.usage_pct', value: 20 },
    ]);
    expect(window.get('cpu.usage_pct')?.points).toEqual([
      [1000, 1],
      [2000, 20],
      [3000, 3],
      [4000, 4],
    ]);
  });

  it('drops points older than the window before the newest point, and series left empty', () => {
    let window = windowFromRange([
      {
        name: 'cpu.usage_pct',
        labels: {},
        points: [
          [0, 1],
          [500, 2],
        ],
      },
      { name: 'disk.used_pct', labels: { mount: '/old' }, points: [[100, 50]] },
    ]);
    window = appendSamples(window, [{ ts: 1200, name: 'cpu.usage_pct', value: 3 }], 1000);
    expect(window.get('cpu.usage_pct')?.points).toEqual([
      [500, 2],
      [1200, 3],
    ]);
    expect(window.has(seriesKey('disk.used_pct', { mount: '/old' }))).toBe(false);
  });

  it('skips samples whose value is not a finite number', () => {
    const window = appendSamples(new Map(), [{ ts: 1, name: 'load.1', value: Number.NaN }]);
    expect(window.size).toBe(0);
  });

  it('aligns the chosen series on one axis in seconds, with nulls where a series has no point', () => {
    const window = windowFromRange([
      {
        name: 'net.rx_bps',
        labels: { iface: 'eth0' },
        points: [
          [1000, 10],
          [2000, 20],
        ],
      },
      {
        name: 'net.tx_bps',
        labels: { iface: 'eth0' },
        points: [
          [2000, 5],
          [3000, 6],
        ],
      },
      { name: 'cpu.usage_pct', labels: {}, points: [[1000, 99]] },
    ]);
    const chart = alignForChart(window, (s) =>
      s.name.startsWith('net.') ? `${s.name === 'net.rx_bps' ? 'rx' : 'tx'} ${s.labels.iface}` : undefined,
    );
    expect(chart.labels).toEqual(['rx eth0', 'tx eth0']);
    expect(chart.columns).toEqual([
      [1, 2, 3],
      [10, 20, null],
      [null, 5, 6],
    ]);
    expect(chart.pointCount).toBe(4);
  });

  it('merges live points that arrived before the backfill into it', () => {
    const live = appendSamples(new Map(), [{ ts: 5000, name: 'mem.used_pct', value: 50 }]);
    const backfill = windowFromRange([{ name: 'mem.used_pct', labels: {}, points: [[1000, 10]] }]);
    expect(appendSamples(backfill, samplesOf(live)).get('mem.used_pct')?.points).toEqual([
      [1000, 10],
      [5000, 50],
    ]);
  });
});
