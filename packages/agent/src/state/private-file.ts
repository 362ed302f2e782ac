/**
 * How the agent writes the files of its state directory (credential, join key,
 * TLS key and certificates, outbox, action journal): atomically, so a crash
 * leaves the old content or the new, never half of one, and readable by the
 * owner only, as several of them hold secrets (modes are advisory on Windows).
 */
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `text` to `file` through a temp file and a rename, mode 0600 in a 0700 directory. */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  // writeFile's mode is masked by the umask; chmod makes 0600 exact.
  await chmod(temp, 0o600);
  await rename(temp, file);
}
