#!/usr/bin/env node
// `npm start`: brings the build up to date (usually a no-op after `npm install`),
// then runs `aurora up` with the given flags.
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const cli = path.join(root, 'packages', 'cli', 'dist', 'main.js');
const child = spawnSync(process.execPath, [cli, 'up', ...process.argv.slice(2)], { stdio: 'inherit' });
if (child.signal) {
  // A control plane killed by a signal (the OOM killer's SIGKILL, say) is a failure, not a clean stop:
  // exit as a shell would (128 + the signal's number) so supervisors and scripts see it.
  console.error(`aurora up was stopped by ${child.signal}`);
  process.exit(128 + (constants.signals[child.signal] ?? 0));
}
process.exit(child.status ?? 1);
