import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialPath, loadCredential, saveCredential } from './credential-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-cred-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stored = {
  nodeId: 'n1',
  name: 'web-01',
  credential: 'secret',
  server: 'http://127.0.0.1:1',
  joinedAt: '2026-01-01T00:00:00.000Z',
};

describe('credential store', () => {
  it('finds nothing in a fresh state directory', async () => {
    expect(await loadCredential(path.join(dir, 'missing'))).toBeUndefined();
  });

  it('reads back what it saved, creating the state directory', async () => {
    const stateDir = path.join(dir, 'nested', 'agent');
    await saveCredential(stateDir, stored);
    expect(await loadCredential(stateDir)).toEqual(stored);
  });

  it.skipIf(process.platform === 'win32')('keeps the secret readable by its owner only (mode 0600)', async () => {
    await saveCredential(dir, stored);
    expect((await stat(credentialPath(dir))).mode & 0o777).toBe(0o600);
  });

  it('names the file and the fix when the stored credential is corrupt', async () => {
    await writeFile(credentialPath(dir), '{not json');
    await expect(loadCredential(dir)).rejects.toThrow(/node-credential\.json.*new join token/);
  });
});
