#!/usr/bin/env node
// `npm start`: brings the build up to date (usually a no-op after `npm install`),
// then runs `aurora up` with the given flags.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const cli = path.join(root, 'packages', 'cli', 'dist', 'main.js');
const child = spawnSync(process.execPath, [cli, 'up', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(child.status ?? 0);
