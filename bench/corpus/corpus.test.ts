import { describe, expect, it } from 'vitest';
import { layoutCorpus, parseTimestamp, type SeriesFile } from '../nab/scorer/index.js';
import { FILES_PER_CATEGORY, generateCorpus, toCsv } from './corpus.js';
import { nabWindowRows } from './labels.js';

function asSeries(corpus: ReturnType<typeof generateCorpus>): SeriesFile[] {
  return corpus.files.map((f) => ({
    relativePath: f.relativePath,
    timestamps: f.timestamps,
    times: f.times,
    values: Float64Array.from(f.values),
    valueTexts: f.values.map(String),
  }));
}

describe('synthetic service-metric corpus', () => {
  const corpus = generateCorpus(7);

  it('is the same, byte for byte, for the same seed, and differs for another', () => {
    const again = generateCorpus(7);
    expect(again.files.map(toCsv)).toEqual(corpus.files.map(toCsv));
    expect(again.windows).toEqual(corpus.windows);
    expect(generateCorpus(8).files.map(toCsv)).not.toEqual(corpus.files.map(toCsv));
  });

  it('has the files of every category, each with finite values and rising timestamps', () => {
    const expected = Object.values(FILES_PER_CATEGORY).reduce((a, b) => a + b, 0);
    expect(corpus.files).toHaveLength(expected);
    expect(new Set(corpus.files.map((f) => f.relativePath)).size).toBe(expected);
    for (const f of corpus.files) {
      expect(f.values.every(Number.isFinite)).toBe(true);
      let rising = true;
      for (let i = 1; i < f.times.length; i++) rising &&= f.times[i]! > f.times[i - 1]!;
      expect(rising, f.relativePath).toBe(true);
      expect(f.timestamps.every((t, i) => parseTimestamp(t) === f.times[i])).toBe(true);
    }
  });

  it('labels windows the way NAB does: 10 % of the file shared by its anomalies, centred on each onset', () => {
    let labelled = 0;
    for (const f of corpus.files) {
      const n = f.times.length;
      const onsets = f.anomalies.map((a) => a.onset);
      expect(f.windowRows).toEqual(nabWindowRows(n, onsets));
      for (const [l, r] of f.windowRows) {
        expect(r - l + 1).toBeLessThanOrEqual(Math.floor((0.1 * n) / onsets.length) + 1);
        expect(onsets.some((o) => o >= l && o <= r)).toBe(true);
      }
      for (const a of f.anomalies) expect(a.onset).toBeGreaterThanOrEqual(Math.floor(0.15 * n));
      labelled += f.anomalies.length;
    }
    expect(labelled).toBeGreaterThan(corpus.files.length / 2);
  });

  it('is scored by the NAB harness as it is (every window limit is a row timestamp)', () => {
    const windows = new Map(
      Object.entries(corpus.windows).map(([file, list]) => [
        file,
        list.map(([start, end]) => ({ start: parseTimestamp(start), end: parseTimestamp(end) })),
      ]),
    );
    const layout = layoutCorpus(asSeries(corpus), windows);
    expect(layout.windowCount).toBe(corpus.files.reduce((n, f) => n + f.windowRows.length, 0));
  });

  it('computes NAB windows from onsets, clipped and merged', () => {
    expect(nabWindowRows(1000, [500])).toEqual([[450, 550]]);
    expect(nabWindowRows(1000, [10])).toEqual([[0, 60]]);
    expect(nabWindowRows(1000, [500, 520])).toEqual([[475, 545]]);
    expect(nabWindowRows(1000, [])).toEqual([]);
  });
});
