import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Detector, detectorFactories } from '@aurora/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  layoutCorpus,
  loadCorpus,
  loadDetectorScores,
  loadWindows,
  NAB_PROFILES,
  parseCsv,
  scoreDetector,
} from '../scorer/index.js';
import { type BenchmarkInput, type DetectorSpec, runBenchmark } from './benchmark.js';
import { runDetector } from './detect.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'nab-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A small corpus in NAB's layout: two categories, a spike inside each labelled window.
const stamp = (i: number) => new Date(Date.UTC(2020, 0, 1) + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
function writeSeries(relativePath: string, spikes: number[]): void {
  const rows = Array.from(
    { length: 300 },
    (_, i) => `${stamp(i)},${spikes.includes(i) ? '90.50' : `${10 + (i % 7)}.0`}`,
  );
  mkdirSync(path.dirname(path.join(root, 'data', relativePath)), { recursive: true });
  writeFileSync(path.join(root, 'data', relativePath), `timestamp,value\n${rows.join('\n')}\n`);
}
writeSeries('alpha/one.csv', [120]);
writeSeries('beta/two.csv', [200, 260]);
const labels = {
  'alpha/one.csv': [[`${stamp(110)}.000000`, `${stamp(130)}.000000`]],
  'beta/two.csv': [
    [`${stamp(190)}.000000`, `${stamp(210)}.000000`],
    [`${stamp(250)}.000000`, `${stamp(270)}.000000`],
  ],
};
writeFileSync(path.join(root, 'labels.json'), JSON.stringify(labels));

/** Scores the jump from the previous value, and records what it was shown. */
function jumpSpec(seen: number[][]): DetectorSpec {
  return {
    name: 'jump',
    create(): Detector {
      const times: number[] = [];
      seen.push(times);
      let previous: number | undefined;
      return {
        update(timestamp, value) {
          times.push(timestamp);
          const score = previous === undefined ? 0 : Math.min(1, Math.abs(value - previous) / 100);
          previous = value;
          return { score, explanation: 'jump' };
        },
        snapshot: () => ({ previous }),
      };
    },
  };
}

const corpus = loadCorpus(path.join(root, 'data'));
const input = (over: Partial<BenchmarkInput>): BenchmarkInput => ({
  corpus,
  detectors: [],
  windows: loadWindows(path.join(root, 'labels.json')),
  profiles: NAB_PROFILES,
  out: path.join(root, 'out'),
  jobs: 1,
  ...over,
});

describe('the NAB runner', () => {
  it('shows each file once, in time order, to a fresh detector', async () => {
    const seen: number[][] = [];
    await runBenchmark(input({ detectors: [jumpSpec(seen)] }));
    expect(seen).toHaveLength(2);
    for (const [i, times] of seen.entries()) {
      expect(times).toEqual(Array.from(corpus[i]!.times));
    }
  });

  it("writes NAB's results layout with the input's timestamps and values, the scores and the labels", async () => {
    const out = path.join(root, 'layout');
    await runBenchmark(input({ detectors: [jumpSpec([])], out }));
    const written = parseCsv(readFileSync(path.join(out, 'jump', 'beta', 'jump_two.csv'), 'utf8'));
    const source = parseCsv(readFileSync(path.join(root, 'data', 'beta', 'two.csv'), 'utf8'));
    expect(written.header).toEqual(['timestamp', 'value', 'anomaly_score', 'label']);
    expect(written.rows.map((r) => [r[0], r[1]])).toEqual(source.rows);
    expect(written.rows[200]![2]).toBe(String(Math.min(1, (90.5 - 10 - (199 % 7)) / 100)));
    const labelled = written.rows.flatMap((r, i) => (r[3] === '1' ? [i] : []));
    expect(labelled).toEqual([
      ...Array.from({ length: 21 }, (_, k) => 190 + k),
      ...Array.from({ length: 21 }, (_, k) => 250 + k),
    ]);
  });

  it('reports the same scores NAB-style scoring of its written files gives', async () => {
    const out = path.join(root, 'rescore');
    const report = await runBenchmark(input({ detectors: [jumpSpec([])], out }));
    const layout = layoutCorpus(corpus, loadWindows(path.join(root, 'labels.json')));
    const again = scoreDetector(layout, loadDetectorScores(out, 'jump', corpus), NAB_PROFILES);
    expect(report.detectors[0]!.scores).toEqual(again);
    // Every spike and the drop after it lie inside a window, so the best threshold detects them.
    expect(report.detectors[0]!.scores!.find((s) => s.profile === 'standard')!.tp).toBeGreaterThanOrEqual(3);
    expect(report.detectors[0]!.points).toBe(600);
    expect(report.detectors[0]!.pointsPerSecond).toBeGreaterThan(0);
  });

  it('writes results but skips scoring, saying why, when the corpus has no labels', async () => {
    const report = await runBenchmark(input({ detectors: [jumpSpec([])], windows: undefined }));
    expect(report.skippedScoring).toMatch(/no labels file for this corpus; pass --labels FILE/);
    expect(report.detectors[0]!.scores).toBeUndefined();
  });

  it('names the files the labels leave out when scoring is skipped', async () => {
    const partial = new Map([['alpha/one.csv', []]]);
    const report = await runBenchmark(input({ detectors: [jumpSpec([])], windows: partial }));
    expect(report.skippedScoring).toMatch(/no entry for beta\/two\.csv/);
  });

  it('gives the same scores on worker threads as on the main thread', async () => {
    const name = detectorFactories[0]!.name;
    const spec: DetectorSpec = { name, create: () => detectorFactories[0]!.create(), registered: true };
    const one = await runBenchmark(input({ detectors: [spec], out: path.join(root, 'j1') }));
    const two = await runBenchmark(input({ detectors: [spec], out: path.join(root, 'j2'), jobs: 2 }));
    expect(two.detectors[0]!.scores).toEqual(one.detectors[0]!.scores);
    const file = (dir: string) => readFileSync(path.join(root, dir, name, 'beta', `${name}_two.csv`), 'utf8');
    expect(file('j2')).toBe(file('j1'));
  });

  it('rejects a detector score outside [0, 1], naming the row', () => {
    const bad: Detector = { update: () => ({ score: 1.5, explanation: '' }), snapshot: () => null };
    expect(() => runDetector(bad, [1, 2], [0, 0])).toThrow(/row 2: score 1.5 is outside \[0, 1\]/);
  });
});
