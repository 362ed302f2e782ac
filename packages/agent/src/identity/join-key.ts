/**
 * The join key: a random secret the agent creates and saves before its first
 * join attempt, and sends with every attempt. When the answer to a join is
 * lost on the way back, the node exists on the control plane but the agent
 * never got its credential; the retry carries the same token, name and key,
 * and the control plane recognises it and issues the credential again instead
 * of refusing the name as taken. Kept beside the credential, mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFile } from '../state/private-file.js';

/** File name of the key inside the state directory. */
export const JOIN_KEY_FILE = 'join-key';

const VALID = /^[A-Za-z0-9_-]{32,128}$/;

/** Reads the saved join key, or creates and saves one (before anything is sent). */
export async function loadOrCreateJoinKey(stateDir: string): Promise<string> {
  const file = path.join(stateDir, JOIN_KEY_FILE);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    if (VALID.test(saved)) return saved;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // A missing or damaged key is replaced; only a join still waiting for its answer needed the old one.
  const key = randomBytes(32).toString('base64url');
  await writePrivateFile(file, `${key}\n`);
  return key;
}
