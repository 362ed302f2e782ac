import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AllowListWatch, treeBytes } from './watch.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-watch-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('treeBytes', () => {
  it('adds the regular files below a root, not links, and stops at the entry bound', async () => {
    const root = path.join(dir, 'root');
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 'one'), Buffer.alloc(1000));
    writeFileSync(path.join(root, 'a', 'b', 'two'), Buffer.alloc(234));
    const outside = path.join(dir, 'outside');
    writeFileSync(outside, Buffer.alloc(50_000));
    symlinkSync(outside, path.join(root, 'link'));
    expect(await treeBytes(root)).toBe(1234);
    expect(await treeBytes(path.join(dir, 'missing'))).toBe(0);
    // One entry seen: only what comes first in the listing can count.
    expect([0, 1000]).toContain(await treeBytes(root, 1));
  });
});

describe.runIf(process.platform === 'linux')('AllowListWatch', () => {
  it('reports the bytes of each cleanup root and the CPU and count of each killable name', async () => {
    const root = path.join(dir, 'clean');
    mkdirSync(root);
    writeFileSync(path.join(root, 'f.tmp'), Buffer.alloc(4096));
    const name = `spin-${process.pid}`.slice(0, 15);
    const bin = path.join(dir, name);
    symlinkSync(process.execPath, bin);
    const watch = new AllowListWatch({ cleanRoots: [root], killNames: new Set([name]) });

    const idle = await watch.samples(Date.now());
    expect(idle).toContainEqual(expect.objectContaining({ name: 'clean.bytes', value: 4096, labels: { root } }));
    expect(idle).toContainEqual(expect.objectContaining({ name: 'process.count', value: 0, labels: { name } }));

    const spinner = spawn(bin, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    children.push(spinner);
    await vi.waitFor(async () => {
      const s = await watch.samples(Date.now());
      expect(s).toContainEqual(expect.objectContaining({ name: 'process.count', value: 1 }));
    });
    // Rates come from two collections: a second one after the spinner ran shows its CPU.
    const busy = await vi.waitFor(
      async () => {
        const s = await watch.samples(Date.now());
        const cpu = s.find((x) => x.name === 'process.cpu_pct');
        expect(cpu?.value).toBeGreaterThan(10);
        return cpu;
      },
      { timeout: 10_000, interval: 500 },
    );
    expect(busy?.labels).toEqual({ name });
    spinner.kill('SIGKILL');
  });
});
