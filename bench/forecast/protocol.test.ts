import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DAY_MS, seasonalNaive, WEEK_MS } from '@aurora/core';
import { describe, expect, it } from 'vitest';
import { GENERATOR_VERSION } from '../corpus/corpus.js';
import { parseForecastArgs } from './args.js';
import { ensureSyntheticCorpus } from './corpora.js';
import { horizonFor, originsFor, scoreSeries, seasonalNaivePeriod, stepOf } from './protocol.js';
import { medianOf, summarise } from './summary.js';

const FIVE_MINUTES = 300_000;

describe('the bench:forecast protocol', () => {
  it('forecasts one day of steps, at most 288 points', () => {
    expect(horizonFor(FIVE_MINUTES)).toBe(288);
    expect(horizonFor(60_000)).toBe(288);
    expect(horizonFor(3_600_000)).toBe(24);
    expect(horizonFor(1_800_000)).toBe(48);
  });

  it('places 20 origins evenly from 80 % of the series to its end minus H', () => {
    const origins = originsFor(4032, 288)!;
    expect(origins).toHaveLength(20);
    expect(origins[0]).toBe(3225);
    expect(origins[19]).toBe(4032 - 288);
    for (let i = 1; i < 20; i++) expect(origins[i]!).toBeGreaterThan(origins[i - 1]!);
    expect(originsFor(1243, 288)).toBeUndefined();
  });

  it('takes the median gap as the step, ignoring repeated timestamps', () => {
    expect(stepOf([0, 300, 600, 600, 1200, 1500])).toBe(300);
    expect(() => stepOf([5, 5])).toThrow(/no step/);
  });

  it('judges seasonal naive with a week where a week fits the data before the origin better', () => {
    const day = DAY_MS / FIVE_MINUTES;
    const week = WEEK_MS / FIVE_MINUTES;
    const weekly = Array.from({ length: 3 * week }, (_, i) => Math.floor((i % week) / day) * 10 + (i % day) / day);
    expect(seasonalNaivePeriod(weekly, 3 * week - 1, FIVE_MINUTES)).toBe(week);
    // A daily wave on a slow rise: yesterday is closer than last week.
    const daily = Array.from({ length: 3 * week }, (_, i) => Math.sin((2 * Math.PI * i) / day) + i / 1000);
    expect(seasonalNaivePeriod(daily, 3 * week - 1, FIVE_MINUTES)).toBe(day);
    // Less than a week plus H of history: a day, whatever the data.
    expect(seasonalNaivePeriod(weekly, week + 10, FIVE_MINUTES)).toBe(day);
  });

  it('scores seasonal naive itself at exactly 1 and a perfect model at 0', () => {
    const day = DAY_MS / FIVE_MINUTES;
    const values = Float64Array.from({ length: 10 * day }, (_, i) => Math.sin(i / 7) + ((i * 7919) % 101) / 50);
    const score = scoreSeries(values, FIVE_MINUTES, {
      naive: (history, horizon, stepMs) => ({
        point: seasonalNaive(history, horizon, seasonalNaivePeriod(values, history.length, stepMs)),
      }),
      oracle: (history, horizon) => ({ point: Array.from(values.subarray(history.length, history.length + horizon)) }),
    })!;
    expect(score.relativeMae.naive).toBeCloseTo(1, 12);
    expect(score.relativeMae.oracle).toBe(0);
    expect(score.origins).toHaveLength(20);
  });

  it('skips and counts origins where seasonal naive is exact', () => {
    const day = DAY_MS / FIVE_MINUTES;
    // Repeats exactly every day for 8 days, then noise: the early origins are exact.
    const values = Float64Array.from({ length: 10 * day }, (_, i) => (i < 9.4 * day ? i % day : (i * 31) % 7));
    const score = scoreSeries(values, FIVE_MINUTES, { flat: () => ({ point: new Array(day).fill(3) }) })!;
    expect(score.skippedOrigins).toBeGreaterThan(0);
    expect(score.skippedOrigins + score.origins.length).toBe(20);
  });

  it('measures how often the actual values fall inside a model’s interval', () => {
    const day = DAY_MS / FIVE_MINUTES;
    const values = Float64Array.from({ length: 6 * day }, (_, i) => (i * 17) % 10);
    const score = scoreSeries(values, FIVE_MINUTES, {
      wide: (_h, horizon) => ({
        point: new Array(horizon).fill(5),
        lower: new Array(horizon).fill(-1),
        upper: new Array(horizon).fill(100),
      }),
    })!;
    expect(score.coverage.wide).toBe(1);
  });

  it('refuses a model that forecasts the wrong number of points', () => {
    const values = Float64Array.from({ length: 6 * 288 }, (_, i) => i % 5);
    expect(() => scoreSeries(values, FIVE_MINUTES, { short: () => ({ point: [1] }) })).toThrow(/did not forecast 288/);
  });
});

describe('bench:forecast summaries and flags', () => {
  it('takes medians per corpus and overall', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 2, 3])).toBe(2.5);
    const row = (corpus: string, v: number) => ({
      corpus,
      name: `${corpus}/${v}`,
      points: 10,
      stepSeconds: 300,
      horizon: 2,
      scoredOrigins: 20,
      skippedOrigins: 0,
      failedOrigins: {},
      relativeMaeByModel: { m: v },
      coverageByModel: {},
    });
    const s = summarise([row('a', 1), row('a', 3), row('b', 0.5)], ['m']);
    expect(s.corpora.map((c) => [c.corpus, c.median.m])).toEqual([
      ['a', 2],
      ['b', 0.5],
    ]);
    expect(s.overall.median.m).toBe(1);
  });

  it('parses its flags and names a bad one', () => {
    const o = parseForecastArgs(['--out', 'x.json', '--data', 'corpus', '--no-augurs']);
    expect(o.out.endsWith('x.json')).toBe(true);
    expect(o.data?.endsWith('corpus')).toBe(true);
    expect(o.augurs).toBe(false);
    expect(parseForecastArgs([]).out.endsWith('bench/results/forecast.json')).toBe(true);
    expect(() => parseForecastArgs(['--out', ''])).toThrow(/--out needs a path/);
    expect(() => parseForecastArgs(['--bogus'])).toThrow();
  });
});

describe('the default synthetic corpus', () => {
  it('is read from where bench:corpus wrote it when its seed and generator version match', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'forecast-corpus-'));
    try {
      mkdirSync(path.join(dir, 'data'));
      writeFileSync(path.join(dir, 'corpus.json'), JSON.stringify({ seed: 7, generatorVersion: GENERATOR_VERSION }));
      expect(ensureSyntheticCorpus(dir, 7)).toBe(path.join(dir, 'data'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
