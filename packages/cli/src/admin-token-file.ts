import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Name of the file, inside the data dir, where `aurora up` keeps a generated admin token (mode 0600). */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** Keeps a newly generated admin token where the local CLI finds it, readable by its owner only. */
export function saveAdminToken(dataDir: string, token: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/** The admin token `aurora up` saved in `dataDir` on first start, if there is one. */
export function readSavedAdminToken(dataDir: string): string | undefined {
  try {
    return readFileSync(path.join(dataDir, ADMIN_TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
