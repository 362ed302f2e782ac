import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../dataset.js';
import { parseRunArgs } from './args.js';
import type { DetectorReport } from './benchmark.js';
import { formatScoreboard, scoreboardRows } from './scoreboard.js';

describe('the runner command line', () => {
  it('defaults to every detector, one job, and results under bench/results/nab', () => {
    const o = parseRunArgs([]);
    expect(o).toMatchObject({ detectors: [], jobs: 1, data: undefined, nab: undefined, labels: undefined });
    expect(o.out).toBe(path.join(repoRoot, 'bench', 'results', 'nab'));
  });

  it('accepts detectors repeated or comma-separated', () => {
    expect(parseRunArgs(['--detector', 'a,b', '--detector', 'c']).detectors).toEqual(['a', 'b', 'c']);
  });

  it('rejects a --jobs that is not a positive whole number, naming the flag', () => {
    expect(() => parseRunArgs(['--jobs', '0'])).toThrow(/--jobs must be a whole number >= 1/);
    expect(() => parseRunArgs(['--jobs', 'two'])).toThrow(/--jobs/);
  });

  it('rejects unknown flags', () => {
    expect(() => parseRunArgs(['--threshold', '0.5'])).toThrow(/threshold/);
  });
});

describe('the printed scoreboard', () => {
  const ours: DetectorReport = {
    name: 'mine',
    points: 10,
    loopSeconds: 0.001,
    pointsPerSecond: 10_000,
    inputErrors: 0,
    scores: ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'].map((profile, i) => ({
      profile,
      threshold: 0.5,
      raw: 0,
      normalised: 50 + i,
      baselines: { perfect: 1, null: -1 },
      tp: 0,
      tn: 0,
      fp: 0,
      fn: 0,
    })),
  };
  const published = { good: { standard: 70, reward_low_FP_rate: 60, reward_low_FN_rate: 75 }, null: { standard: 0 } };

  it('ranks published and measured detectors together by standard score, perfect first', () => {
    expect(scoreboardRows(published, [ours]).map((r) => r.name)).toEqual(['perfect', 'good', 'mine (aurora)', 'null']);
  });

  it('shows points per second only for detectors measured in this run', () => {
    const text = formatScoreboard(scoreboardRows(published, [ours]), ['standard', 'reward_low_FP_rate']);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^detector\s+standard\s+reward_low_FP_rate\s+points\/s\/core$/);
    expect(lines.find((l) => l.startsWith('mine'))).toMatch(/50\.00\s+51\.00\s+10,000$/);
    expect(lines.find((l) => l.startsWith('good'))).toMatch(/70\.00\s+60\.00\s+-$/);
  });
});
