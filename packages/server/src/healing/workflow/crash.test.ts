/**
 * A control plane killed with SIGKILL in the middle of a workflow step resumes the run after a
 * restart and finishes every step exactly once: a real server child process applies counted
 * effects in the store, is killed after a step's effect but before the step is recorded as done,
 * and a second process on the same store re-runs that step with the same idempotency key.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../platform/store/index.js';
import { effectCounts } from '../../testing/effects.js';
import { testEngines } from '../../testing/engines.js';
import { RunRepo } from './run-repo.js';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function spawnChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=@aurora/source', '--import', 'tsx', childScript], {
    env: { ...process.env, ...env },
  });
  children.push(child);
  let out = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const m = w.pattern.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    output: () => out,
    waitFor(pattern: RegExp): Promise<RegExpExecArray> {
      const m = pattern.exec(out);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`child exited before ${pattern}: ${out}`)));
      });
    },
  };
}

for (const engine of testEngines()) {
  describe.skipIf(engine.skip !== undefined)(`workflow crash on ${engine.name}`, () => {
    it('a server killed mid-step resumes the run after a restart and applies every effect exactly once', async () => {
      const { options, cleanup } = await engine.fresh();
      const env: Record<string, string> = options.databaseUrl
        ? { CRASH_DATABASE_URL: options.databaseUrl, CRASH_SCHEMA: options.schemaName ?? '' }
        : { CRASH_DATA_DIR: options.dataDir ?? '' };
      try {
        const first = spawnChild(env);
        const [, runId] = await first.waitFor(/run (\S+) created true/);
        await first.waitFor(/applied two attempt 1 new true/);
        first.child.kill('SIGKILL');
        await first.exited;
        expect(first.output()).not.toMatch(/applied three/);

        const second = spawnChild(env);
        await second.waitFor(new RegExp(`run ${runId} created false`));
        await second.waitFor(/finished (\w+)/);
        expect(second.output()).toMatch(/applied two attempt 2 new false/);
        expect(second.output()).not.toMatch(/applied one/);
        expect(second.output()).toMatch(/finished succeeded/);
        second.child.kill('SIGTERM');
        await second.exited;

        const store = await Store.open(options);
        try {
          expect(await effectCounts(store.db, 'count')).toEqual({ one: 1, two: 1, three: 1 });
          expect(await effectCounts(store.db, 'calls')).toEqual({ one: 1, two: 2, three: 1 });
          const steps = await new RunRepo(
            store.db,
            () => undefined,
            () => 0,
          ).steps(runId ?? '');
          expect(steps.map(({ name, status, attempts }) => ({ name, status, attempts }))).toEqual([
            { name: 'one', status: 'succeeded', attempts: 1 },
            { name: 'pause', status: 'succeeded', attempts: 1 },
            { name: 'two', status: 'succeeded', attempts: 2 },
            { name: 'three', status: 'succeeded', attempts: 1 },
          ]);
        } finally {
          await store.close();
        }
      } finally {
        await cleanup();
      }
    }, 300_000);
  });
}
