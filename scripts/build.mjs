#!/usr/bin/env node
// Builds what is out of date: TypeScript incrementally (tsc -b), the console only
// when its sources are newer than its build. Runs after `npm install` and before
// every `npm start`, so starting never waits on a full build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(label, command, args, cwd = root) {
  process.stderr.write(`aurora: ${label}...\n`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`aurora: ${label} failed; run \`npm install\` first if you have not.\n`);
    process.exit(result.status ?? 1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

run('compiling TypeScript', npx, ['tsc', '-b']);

const consoleDir = path.join(root, 'packages', 'console');
const builtIndex = path.join(consoleDir, 'dist', 'index.html');
const sources = [
  path.join(consoleDir, 'src'),
  path.join(consoleDir, 'index.html'),
  path.join(root, 'packages', 'sdk', 'src'),
];
const sourcesNewest = Math.max(
  ...sources.filter(existsSync).map((p) => (statSync(p).isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)),
);
if (!existsSync(builtIndex) || statSync(builtIndex).mtimeMs < sourcesNewest) {
  run('building the console', npx, ['vite', 'build', '--logLevel', 'warn'], consoleDir);
}
