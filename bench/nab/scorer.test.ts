import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nabAvailable, nabPaths } from './dataset.js';
import {
  columnIndex,
  layoutCorpus,
  loadByDetectorProfile,
  loadCorpus,
  loadDetectorScores,
  loadProfiles,
  loadWindows,
  normaliseScore,
  optimiseThreshold,
  type Profile,
  parseCsv,
  type ScoringLayout,
  type SeriesFile,
  scoreAtThreshold,
  scoreDetector,
} from './scorer/index.js';

// Validation against NAB v1.1's published results: our scorer, given the thresholds
// NAB's optimiser chose, must reproduce final_results.json, and our optimiser must do
// at least as well. Needs the NAB corpus (../shared/datasets/nab or AURORA_NAB_DIR).
const paths = nabPaths();
const available = nabAvailable(paths);
if (!available) {
  const message = `NAB corpus not found at ${paths.root}; set AURORA_NAB_DIR or place NAB v1.1 at ../shared/datasets/nab`;
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`skipping NAB validation: ${message}`);
}

const REFERENCE_DETECTORS = ['numenta', 'windowedGaussian'] as const;
type Published = { threshold: number; score: number };

describe.skipIf(!available)('the NAB scorer against NAB v1.1 published results', () => {
  let corpus: SeriesFile[];
  let layout: ScoringLayout;
  let profiles: Profile[];
  let thresholds: Record<string, Record<string, Published>>;
  let finalResults: Record<string, Record<string, number>>;
  const scores = new Map<string, Float64Array>();

  beforeAll(() => {
    corpus = loadCorpus(paths.data);
    layout = layoutCorpus(corpus, loadWindows(paths.windows));
    profiles = loadProfiles(paths.profiles);
    thresholds = loadByDetectorProfile<Published>(paths.thresholds);
    finalResults = loadByDetectorProfile<number>(paths.finalResults);
    for (const d of REFERENCE_DETECTORS) scores.set(d, loadDetectorScores(paths.results, d, corpus));
  });

  it('reads the 58 files and 116 anomaly windows of the corpus', () => {
    expect(corpus).toHaveLength(58);
    expect(layout.windowCount).toBe(116);
  });

  it.each(REFERENCE_DETECTORS)('reproduces final_results.json for %s on all three profiles within 0.01', (d) => {
    const fixed = Object.fromEntries(profiles.map((p) => [p.name, thresholds[d]![p.name]!.threshold]));
    const results = scoreDetector(layout, scores.get(d)!, profiles, fixed);
    expect(results.map((r) => r.profile).sort()).toEqual(['reward_low_FN_rate', 'reward_low_FP_rate', 'standard']);
    for (const r of results) {
      expect(Math.abs(r.normalised - finalResults[d]![r.profile]!), `${d} ${r.profile}`).toBeLessThan(0.01);
    }
  });

  it.each(REFERENCE_DETECTORS)('matches the per-file scores and counts NAB wrote for %s', (d) => {
    for (const profile of profiles) {
      const file = path.join(paths.results, d, `${d}_${profile.name}_scores.csv`);
      const table = parseCsv(readFileSync(file, 'utf8'));
      const col = (name: string) => columnIndex(table, name, file);
      const threshold = Number(table.rows[0]![col('Threshold')]);
      const ours = scoreAtThreshold(layout, scores.get(d)!, profile.costs, threshold);
      const byFile = new Map(ours.files.map((f) => [f.relativePath, f]));
      for (const row of table.rows) {
        const name = row[col('File')]!;
        const expected = { score: Number(row[col('Score')]), tp: Number(row[col('TP')]), fp: Number(row[col('FP')]) };
        const mine = name === '' ? ours : byFile.get(name);
        expect(mine, `${profile.name} ${name}`).toBeDefined();
        expect(mine!.score, `${profile.name} ${name || 'Totals'}`).toBeCloseTo(expected.score, 6);
        expect([mine!.tp, mine!.fp], `${profile.name} ${name || 'Totals'}`).toEqual([expected.tp, expected.fp]);
      }
    }
  });

  it.each(REFERENCE_DETECTORS)('finds thresholds for %s that score at least as well as the published ones', (d) => {
    for (const r of scoreDetector(layout, scores.get(d)!, profiles)) {
      expect(r.normalised, `${d} ${r.profile}`).toBeGreaterThanOrEqual(finalResults[d]![r.profile]! - 1e-9);
    }
  });

  it('scores the null detector at exactly the baseline NAB published for it', () => {
    for (const profile of profiles) {
      const constant = new Float64Array(layout.rows).fill(0.5);
      const best = optimiseThreshold(layout, constant, profile.costs);
      expect(best.score).toBeCloseTo(thresholds.null![profile.name]!.score, 9);
      const [result] = scoreDetector(layout, constant, [profile]);
      expect(normaliseScore(result!.raw, result!.baselines)).toBeCloseTo(0, 9);
    }
  });
});
