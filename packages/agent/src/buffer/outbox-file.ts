/**
 * Carries the outbox over a restart: on stop the pending batches are written
 * to the state directory, on start they are read back and the file removed.
 * Batches keep their ids, so one the server already stored (its
 * acknowledgement lost) is still stored once.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MetricBatch } from '@aurora/sdk';
import { writePrivateFile } from '../state/private-file.js';

/** File name of the saved outbox inside the state directory. */
export const OUTBOX_FILE = 'outbox.json';

/** What is saved: the pending batches, oldest first, and drops not yet reported. */
export interface SavedOutbox {
  batches: MetricBatch[];
  unreportedDrops: number;
}

function isBatch(value: unknown): value is MetricBatch {
  const batch = value as MetricBatch;
  return typeof batch?.id === 'string' && Array.isArray(batch.samples);
}

/** Writes the outbox atomically; an empty outbox removes any saved one instead. */
export async function saveOutbox(stateDir: string, outbox: SavedOutbox): Promise<void> {
  const file = path.join(stateDir, OUTBOX_FILE);
  if (outbox.batches.length === 0 && outbox.unreportedDrops === 0) {
    await rm(file, { force: true });
    return;
  }
  await writePrivateFile(file, JSON.stringify({ version: 1, ...outbox }));
}

/**
 * Reads and removes the saved outbox. A missing file is an empty outbox; a
 * damaged one is reported through the returned `error` and removed, since
 * the agent must start either way.
 */
export async function takeSavedOutbox(stateDir: string): Promise<SavedOutbox & { error?: string }> {
  const file = path.join(stateDir, OUTBOX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { batches: [], unreportedDrops: 0 };
    throw error;
  }
  await rm(file, { force: true });
  try {
    const parsed = JSON.parse(text) as Partial<SavedOutbox>;
    const batches = Array.isArray(parsed.batches) ? parsed.batches.filter(isBatch) : [];
    const drops = Number.isInteger(parsed.unreportedDrops) ? Math.max(0, parsed.unreportedDrops as number) : 0;
    return { batches, unreportedDrops: drops };
  } catch (error) {
    return { batches: [], unreportedDrops: 0, error: `${file} was unreadable and is discarded: ${String(error)}` };
  }
}
