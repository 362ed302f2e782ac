// Regenerates the configuration table in README.md from the server's list of keys.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../packages/cli/src/config-docs.js';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withConfigTable(readFileSync(file, 'utf8')));
console.log('README.md configuration table updated');
