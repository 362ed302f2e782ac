import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Name of the file, in a store's credentials folder, holding a generated or reset admin token (mode 0600). */
export const ADMIN_TOKEN_FILE = 'admin-token';
/** Name of the file, in a store's credentials folder, holding the URL its last control plane listened on. */
export const SERVER_URL_FILE = 'server-url';

/** Where the store lives, as `aurora up`, `aurora server` and `aurora admin` are told. */
export interface StoreLocation {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/**
 * The folder holding one store's saved credentials: the admin token, the
 * local agent's identity and the server URL. The embedded store keeps them
 * in its data dir, as it always has. A PostgreSQL store gets a folder of its
 * own under the data dir, named by a hash of its URL without the password,
 * so `aurora up --database-url …` run in a project folder never overwrites
 * the embedded store's token or local agent (nor another database's).
 */
export function credentialsDir(store: StoreLocation): string {
  if (!store.databaseUrl) return store.dataDir;
  return path.join(store.dataDir, 'postgres', databaseKey(store.databaseUrl));
}

/** A short stable name for a database: the URL without its password, hashed (a changed password is the same store). */
export function databaseKey(databaseUrl: string): string {
  let identity = databaseUrl;
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    identity = url.toString();
  } catch {
    // Not a URL (a libpq keyword string, say): hash it as given.
  }
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

/** The local agent's identity and credential for this store. */
export function localAgentStateDir(dir: string): string {
  return path.join(dir, 'agent');
}

function writePrivate(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `${text}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Keeps an admin token where the local CLI finds it, readable by its owner only. */
export function saveAdminToken(dir: string, token: string): string {
  return writePrivate(dir, ADMIN_TOKEN_FILE, token);
}

/** The admin token saved in `dir` (a credentials folder), if there is one. */
export function readSavedAdminToken(dir: string): string | undefined {
  return readTrimmed(path.join(dir, ADMIN_TOKEN_FILE));
}

/** Records where the control plane of this store listens, for operator commands run with the same --data-dir. */
export function saveServerUrl(dir: string, url: string): string {
  return writePrivate(dir, SERVER_URL_FILE, url);
}

/** The URL the last control plane of this store listened on, if one was saved. */
export function readSavedServerUrl(dir: string): string | undefined {
  return readTrimmed(path.join(dir, SERVER_URL_FILE));
}

/** Name of the file, in a store's credentials folder, holding the cluster CA certificate (public, PEM). */
export const CLUSTER_CA_FILE = 'cluster-ca.pem';

/** Keeps the cluster CA certificate beside the server URL, so operator commands trust the server's HTTPS. */
export function saveClusterCa(dir: string, pem: string): string {
  return writePrivate(dir, CLUSTER_CA_FILE, pem.trim());
}

/** The cluster CA certificate saved by the last start of this store, if any. */
export function readSavedClusterCa(dir: string): string | undefined {
  const pem = readTrimmed(path.join(dir, CLUSTER_CA_FILE));
  return pem ? `${pem}\n` : undefined;
}

/** Name of the file, in a store's credentials folder, holding the first admin user's generated password (mode 0600). */
export const ADMIN_PASSWORD_FILE = 'admin-password';

/** Keeps the first admin user's name and generated password beside the admin token, readable by its owner only. */
export function saveAdminPassword(dir: string, name: string, password: string): string {
  return writePrivate(dir, ADMIN_PASSWORD_FILE, `${name}\n${password}`);
}
