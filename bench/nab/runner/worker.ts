import { parentPort } from 'node:worker_threads';
import { createDetector } from '@aurora/core';
import { runDetector } from './detect.js';

/** A file for a worker to run: the detector's registry name and the series. */
export interface WorkerTask {
  id: number;
  detector: string;
  times: Float64Array;
  values: Float64Array;
}

/** A worker's answer: the run, or the error message. */
export type WorkerReply =
  | { id: number; scores: Float64Array; loopMs: number; inputErrors: number }
  | { id: number; error: string };

// Each task gets a fresh detector from the registry, so no state leaks between files.
parentPort?.on('message', (task: WorkerTask) => {
  try {
    const run = runDetector(createDetector(task.detector), task.times, task.values);
    const reply: WorkerReply = { id: task.id, ...run };
    parentPort!.postMessage(reply, [run.scores.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: (error as Error).message } satisfies WorkerReply);
  }
});
