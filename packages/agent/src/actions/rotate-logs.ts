/**
 * rotate-logs: renames a configured log file with a time suffix (`app.log.20261203T071900123Z`),
 * creates an empty file in its place with the same mode, optionally gzips the rotated file with
 * node:zlib, and keeps the newest `keep` rotated files. A writer that keeps its file open goes on
 * writing to the rotated file until it reopens (as with logrotate's default); supervised services
 * can be restarted after rotation by a playbook.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { CompiledLog } from './config.js';
import { describeError, failed, type Outcome, succeeded } from './outcome.js';

const SUFFIX = /^\.\d{8}T\d{9}Z(?:\.gz)?$/;

function suffixOf(now: number): string {
  return `.${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
}

export async function rotateLog(log: CompiledLog, now: number): Promise<Outcome> {
  let size: number;
  let mode: number;
  try {
    const st = await stat(log.path);
    if (!st.isFile()) return failed('not-found', `${log.path} is not a regular file`);
    size = st.size;
    mode = st.mode & 0o777;
  } catch (error) {
    return failed('not-found', describeError(error));
  }
  if (size === 0) return succeeded({ log: log.name, rotated: false, why: 'empty' });
  try {
    const rotated = log.path + suffixOf(now);
    await rename(log.path, rotated);
    await writeFile(log.path, '', { flag: 'a', mode });
    await chmod(log.path, mode);
    let kept = rotated;
    if (log.compress) {
      kept = `${rotated}.gz`;
      await pipeline(createReadStream(rotated), createGzip(), createWriteStream(kept, { mode }));
      await rm(rotated);
    }
    const dir = path.dirname(log.path);
    const base = path.basename(log.path);
    const rotatedFiles = (await readdir(dir))
      .filter((f) => f.startsWith(base) && SUFFIX.test(f.slice(base.length)))
      .sort()
      .reverse();
    const removed = rotatedFiles.slice(log.keep);
    for (const f of removed) await rm(path.join(dir, f), { force: true });
    return succeeded({ log: log.name, rotated: true, bytes: size, to: kept, removed });
  } catch (error) {
    return failed('error', describeError(error), { log: log.name });
  }
}
