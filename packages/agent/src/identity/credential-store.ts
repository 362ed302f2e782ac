/**
 * Keeps the node's identity in its state directory, so a restarted agent
 * carries on as the same node without a new join token. The file holds a
 * secret, hence mode 0600 in a 0700 directory (modes are advisory on Windows).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFile } from '../state/private-file.js';

/** What the agent remembers after joining. */
export interface StoredCredential {
  nodeId: string;
  name: string;
  /** Bearer secret for heartbeats; never logged. */
  credential: string;
  /** The control plane that issued it, to warn when pointed elsewhere. */
  server: string;
  joinedAt: string;
  /** The control plane's replicas as the join answer listed them: where the agent may fail over to. */
  servers?: string[];
}

/** File name of the identity inside the state directory. */
export const CREDENTIAL_FILE = 'node-credential.json';

/** Where the identity of an agent with this `stateDir` lives. */
export function credentialPath(stateDir: string): string {
  return path.join(stateDir, CREDENTIAL_FILE);
}

/** Reads the stored identity, or `undefined` if this node never joined. A corrupt file is an error that names it. */
export async function loadCredential(stateDir: string): Promise<StoredCredential | undefined> {
  const file = credentialPath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: Partial<StoredCredential>;
  try {
    parsed = JSON.parse(text) as Partial<StoredCredential>;
  } catch {
    parsed = {};
  }
  if (typeof parsed.credential !== 'string' || typeof parsed.name !== 'string') {
    throw new Error(`${file} is not a valid node credential: delete it and start the agent with a new join token`);
  }
  return {
    nodeId: String(parsed.nodeId ?? ''),
    name: parsed.name,
    credential: parsed.credential,
    server: String(parsed.server ?? ''),
    joinedAt: String(parsed.joinedAt ?? ''),
    ...(Array.isArray(parsed.servers) ? { servers: parsed.servers.filter((u) => typeof u === 'string') } : {}),
  };
}

/** Writes the identity atomically (temp file + rename), readable by the owner only. */
export async function saveCredential(stateDir: string, stored: StoredCredential): Promise<void> {
  await writePrivateFile(credentialPath(stateDir), `${JSON.stringify(stored, null, 2)}\n`);
}
