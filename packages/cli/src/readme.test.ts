import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { commands } from './commands/index.js';
import { withConfigTable } from './config-docs.js';

const readmePath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');

test('the README configuration table matches the keys the server validates', () => {
  // To refresh it: npm run docs:config
  expect(readme).toBe(withConfigTable(readme));
});

test('the README names every aurora command', () => {
  for (const command of commands) expect(readme).toContain(`aurora ${command.spec.name}`);
});

test('the README shows the two set-up commands', () => {
  expect(readme).toContain('npm install && npm start');
  expect(readme).toContain('npm test');
});

test('the README shows how the local agent of npm start gets its actions allow-list', () => {
  expect(readme).toContain('npm start -- --actions actions.yaml');
  expect(readme).toContain('aurora up [--actions FILE]');
});
