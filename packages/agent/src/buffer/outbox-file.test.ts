import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOX_FILE, saveOutbox, takeSavedOutbox } from './outbox-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const batches = [
  { id: 'batch-0001', samples: [{ ts: 1, name: 'cpu.usage_pct', value: 12.5 }] },
  { id: 'batch-0002', samples: [{ ts: 2, name: 'disk.used_pct', value: 40, labels: { mount: '/' } }] },
];

describe('saved outbox', () => {
  it('is empty when nothing was saved', async () => {
    expect(await takeSavedOutbox(dir)).toEqual({ batches: [], unreportedDrops: 0 });
  });

  it('gives back the saved batches in order with the unreported drops, once', async () => {
    await saveOutbox(dir, { batches, unreportedDrops: 7 });
    expect(await takeSavedOutbox(dir)).toEqual({ batches, unreportedDrops: 7 });
    expect(await takeSavedOutbox(dir)).toEqual({ batches: [], unreportedDrops: 0 });
  });

  it.skipIf(process.platform === 'win32')('is readable by its owner only', async () => {
    await saveOutbox(dir, { batches, unreportedDrops: 0 });
    expect((await stat(path.join(dir, OUTBOX_FILE))).mode & 0o777).toBe(0o600);
  });

  it('leaves no file behind for an empty outbox', async () => {
    await saveOutbox(dir, { batches, unreportedDrops: 0 });
    await saveOutbox(dir, { batches: [], unreportedDrops: 0 });
    expect(await readdir(dir)).toEqual([]);
  });

  it('discards a damaged file with a message naming it, so the agent still starts', async () => {
    await writeFile(path.join(dir, OUTBOX_FILE), '{"batches": [');
    const taken = await takeSavedOutbox(dir);
    expect(taken.batches).toEqual([]);
    expect(taken.error).toMatch(/outbox\.json was unreadable/);
    expect(await readdir(dir)).toEqual([]);
  });
});
