import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('Cedar under TurboFan', () => {
  // Node 20's V8 aborted the whole process when a caller of an inlined Cedar (externref) export
  // was deoptimised during the Wasm call; engine.ts turns that inlining off.
  it('a decision survives its caller being deoptimised while Cedar runs', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--allow-natives-syntax',
        '--conditions=@aurora/source',
        '--import',
        'tsx',
        path.join(here, 'deopt-during-decision.fixture.ts'),
      ],
      { cwd: here, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).not.toContain('Fatal error');
    expect(run.stdout.trim()).toBe('decided allow');
    expect(run.status).toBe(0);
  });
});
