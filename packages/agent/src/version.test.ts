import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AGENT_VERSION } from './version.js';

describe('agent version', () => {
  it('is the version in the package manifest', async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(AGENT_VERSION).toBe(manifest.version);
  });
});
