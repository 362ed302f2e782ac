import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTools, findExecutable, toolPath, toolSkip } from './external-tools.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-tools-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an executable (or, with `mode` 0o644, a plain) file named `name` into the scratch directory. */
function program(name: string, mode = 0o755): string {
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, mode);
  return file;
}

describe.skipIf(process.platform === 'win32')('finding the programs a test suite drives', () => {
  it('finds a bare name on PATH and an absolute path as given, but not a file that cannot run', () => {
    const haproxy = program('haproxy');
    program('not-executable', 0o644);
    const env = { PATH: dir };
    expect(findExecutable(['haproxy'], env)).toBe(haproxy);
    expect(findExecutable([haproxy], env)).toBe(haproxy);
    expect(findExecutable(['not-executable'], env)).toBeUndefined();
    expect(findExecutable([path.join(dir, 'not-executable'), 'haproxy'], env)).toBe(haproxy);
    expect(findExecutable(['no-such-program-here'], env)).toBeUndefined();
  });

  it('skips a suite with the missing program, how to install it and the variable that makes it required', () => {
    const env = { PATH: dir };
    program('prometheus');
    const skip = toolSkip('prometheus', env);
    expect(skip).toMatch(/^the Prometheus tests skip: prometheus-node-exporter not installed/);
    expect(skip).not.toMatch(/prometheus and/);
    expect(skip).toContain('scripts/install-prometheus.sh');
    expect(skip).toContain('AURORA_REQUIRE_PROMETHEUS=1');
    program('prometheus-node-exporter');
    expect(toolSkip('prometheus', env)).toBeUndefined();
    expect(toolPath('prometheus', 'prometheus-node-exporter', env)).toBe(path.join(dir, 'prometheus-node-exporter'));
  });

  it('fails instead of skipping when the suite is required', () => {
    // Alertmanager, as Debian puts it in /usr/bin, which only PATH names (HAProxy may be found in /usr/sbin).
    const env = { PATH: dir, AURORA_REQUIRE_ALERTMANAGER: '1' };
    expect(() => toolSkip('alertmanager', env)).toThrow(
      /AURORA_REQUIRE_ALERTMANAGER=1 but the Alertmanager tests skip/,
    );
    expect(() => toolPath('alertmanager', 'prometheus-alertmanager', env)).toThrow(/not installed/);
    expect(toolSkip('alertmanager', { PATH: dir })).toMatch(/skip/);
    program('prometheus-alertmanager');
    expect(toolSkip('alertmanager', env)).toBeUndefined();
  });

  it('uses AURORA_CHROMIUM_PATH alone when it is set, and names that path when it is wrong', () => {
    program('chromium');
    const wrong = path.join(dir, 'elsewhere', 'chrome');
    const check = checkTools('browser', { PATH: dir, AURORA_CHROMIUM_PATH: wrong });
    expect(check.paths.chromium).toBeUndefined();
    expect(check.skip).toContain(wrong);
    expect(checkTools('browser', { PATH: dir }).paths.chromium).toBe(path.join(dir, 'chromium'));
  });
});
