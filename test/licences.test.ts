/**
 * Every runtime dependency (what `npm install --omit=dev` would install) with
 * its licence, read from the installed package where it is installed and from
 * the lockfile otherwise; a licence that is not compatible with Apache-2.0
 * fails the test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Permissive licences that may be combined into an Apache-2.0 work (ASF category A). */
const COMPATIBLE = new Set([
  'Apache-2.0',
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Python-2.0',
  'Zlib',
]);

/** Whether an SPDX expression allows use under Apache-2.0: one alternative of an OR, every part of an AND. */
function compatible(expression: string): boolean {
  const text = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/ OR /i.test(text)) return text.split(/ OR /i).some(compatible);
  if (/ AND /i.test(text)) return text.split(/ AND /i).every(compatible);
  return COMPATIBLE.has(text);
}

interface LockEntry {
  license?: string;
  dev?: boolean;
  link?: boolean;
}

test('the SPDX reading is strict: copyleft and unknown licences are refused', () => {
  expect(compatible('MIT')).toBe(true);
  expect(compatible('(MIT OR GPL-3.0-only)')).toBe(true);
  expect(compatible('MIT AND BSD-3-Clause')).toBe(true);
  expect(compatible('GPL-3.0-only')).toBe(false);
  expect(compatible('AGPL-3.0-or-later')).toBe(false);
  expect(compatible('MIT AND LGPL-2.1-only')).toBe(false);
  expect(compatible('SEE LICENSE IN LICENSE.txt')).toBe(false);
});

test('every runtime dependency has a licence compatible with Apache-2.0', () => {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const listed: string[] = [];
  const refused: string[] = [];
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where.includes('node_modules/') || entry.dev || entry.link) continue;
    const manifest = path.join(root, where, 'package.json');
    const installed = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { license?: unknown }).license
      : undefined;
    const licence = typeof installed === 'string' ? installed : (entry.license ?? 'UNKNOWN');
    listed.push(`${where.replace(/^.*node_modules\//, '')}: ${licence}`);
    if (!compatible(licence)) refused.push(`${where}: ${licence}`);
  }
  expect(listed.length).toBeGreaterThan(50);
  expect(listed).toContain('@cedar-policy/cedar-wasm: Apache-2.0');
  expect(refused, 'runtime dependencies whose licence is not compatible with Apache-2.0').toEqual([]);
});
