import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../lib/report.js';

/** The repository root, found from this file so the harness runs from any folder. */
export { repoRoot };

/** The environment variable that points at a NAB checkout instead of the default. */
export const NAB_DIR_ENV = 'AURORA_NAB_DIR';

/** Where NAB is expected when nothing says otherwise: beside the repository. */
export const DEFAULT_NAB_DIR = path.resolve(repoRoot, '../shared/datasets/nab');

/** The files of a NAB checkout the harness reads. */
export interface NabPaths {
  root: string;
  data: string;
  windows: string;
  profiles: string;
  thresholds: string;
  finalResults: string;
  results: string;
}

/**
 * Locates NAB: an explicit folder (the --nab flag) wins, then AURORA_NAB_DIR from
 * `env`, then ../shared/datasets/nab relative to the repository.
 */
export function nabPaths(explicit?: string, env: NodeJS.ProcessEnv = process.env): NabPaths {
  const root = path.resolve(explicit ?? env[NAB_DIR_ENV] ?? DEFAULT_NAB_DIR);
  return {
    root,
    data: path.join(root, 'data'),
    windows: path.join(root, 'labels', 'combined_windows.json'),
    profiles: path.join(root, 'config', 'profiles.json'),
    thresholds: path.join(root, 'config', 'thresholds.json'),
    finalResults: path.join(root, 'results', 'final_results.json'),
    results: path.join(root, 'results'),
  };
}

/** True when the folder looks like a NAB checkout (data, labels and profiles present). */
export function nabAvailable(paths: NabPaths): boolean {
  return [paths.data, paths.windows, paths.profiles].every((p) => existsSync(p));
}
