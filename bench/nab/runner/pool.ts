import { Worker } from 'node:worker_threads';
import type { SeriesRun } from './detect.js';
import type { WorkerReply, WorkerTask } from './worker.js';

// Node 20 does not apply --import loaders to a worker's entry file, so a small
// bootstrap registers tsx inside the worker and then imports the TypeScript entry.
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(
  new URL('./worker.ts', import.meta.url).href,
)}); })`;

/** One unit of work for the pool. */
export interface PoolTask {
  detector: string;
  times: Float64Array;
  values: Float64Array;
}

/**
 * Runs registered detectors over series on `jobs` worker threads, one file per task,
 * and reports each finished task through `onDone` (in completion order). Workers load
 * the TypeScript sources through tsx, as `npm run bench:nab` does in the main thread.
 * @throws the first task error, naming the task's position.
 */
export async function runInWorkers(
  tasks: readonly PoolTask[],
  jobs: number,
  onDone: (index: number, run: SeriesRun) => void,
): Promise<SeriesRun[]> {
  const results = new Array<SeriesRun>(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, tasks.length) }, () => {
    return new Worker(WORKER_BOOTSTRAP, { eval: true, execArgv: ['--conditions=@aurora/source'] });
  });
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= tasks.length) return resolve();
              const id = next++;
              const t = tasks[id]!;
              const message: WorkerTask = { id, detector: t.detector, times: t.times, values: t.values };
              worker.postMessage(message);
            };
            worker.on('message', (reply: WorkerReply) => {
              if ('error' in reply) return reject(new Error(`task ${reply.id}: ${reply.error}`));
              const run = { scores: reply.scores, loopMs: reply.loopMs, inputErrors: reply.inputErrors };
              results[reply.id] = run;
              onDone(reply.id, run);
              feed();
            });
            worker.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
