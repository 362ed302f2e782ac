/**
 * clean-path: deletes regular files whose name matches a glob and that were last modified longer
 * ago than an age, in a directory inside one of the configured roots and below it. Symbolic links
 * are never followed: the directory's real path must lie inside the root's real path, a link met
 * during the walk is skipped (counted, never deleted or entered), and each directory is checked
 * again before it is entered, so a link swapped in mid-walk cannot lead outside.
 */
import { lstat, readdir, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { tryParseDuration } from '@aurora/core';
import { describeError, failed, type Outcome, refused, succeeded } from './outcome.js';
import { compileGlob, isWithin, lexicalRoot } from './paths.js';

/** A walk stops after this many entries, so one action cannot run for hours on a huge tree. */
const MAX_ENTRIES = 200_000;

export interface CleanParams {
  path: string;
  pattern: string;
  olderThan: string;
}

/** Checks a clean-path request against the roots without touching anything; a refusal, or where to walk. */
export async function checkCleanPath(
  params: CleanParams,
  roots: readonly string[],
): Promise<{ refusal: Outcome } | { dir: string; realRoot: string; test: (name: string) => boolean; ageMs: number }> {
  const glob = compileGlob(params.pattern);
  if (!glob.ok) return { refusal: refused('invalid', `pattern ${glob.problem}`, 'params.pattern') };
  const ageMs = tryParseDuration(params.olderThan);
  if (ageMs === undefined) {
    return { refusal: refused('invalid', 'olderThan must be a duration such as 10m or 7d', 'params.olderThan') };
  }
  if (roots.length === 0) {
    return {
      refusal: refused('not-allowed', 'this agent has no cleanup roots (clean.roots in its config)', 'params.path'),
    };
  }
  const root = lexicalRoot(params.path, roots);
  if (!root) {
    return {
      refusal: refused(
        'outside-roots',
        `${params.path} is not inside a cleanup root (${roots.join(', ')})`,
        'params.path',
      ),
    };
  }
  let realRoot: string;
  let dir: string;
  try {
    realRoot = await realpath(root);
    dir = await realpath(path.resolve(params.path));
  } catch (error) {
    return { refusal: failed('not-found', describeError(error)) };
  }
  if (!isWithin(realRoot, dir)) {
    return {
      refusal: refused(
        'symlink-escape',
        `${params.path} leads through a symbolic link to ${dir}, outside ${root}`,
        'params.path',
      ),
    };
  }
  return { dir, realRoot, test: glob.test, ageMs };
}

/** Runs a clean-path action; `now` is the agent's clock. */
export async function cleanPath(params: CleanParams, roots: readonly string[], now: number): Promise<Outcome> {
  const checked = await checkCleanPath(params, roots);
  if ('refusal' in checked) return checked.refusal;
  const { dir, realRoot, test, ageMs } = checked;
  const stats = await lstat(dir);
  if (!stats.isDirectory()) return failed('not-found', `${params.path} is not a directory`);
  const cutoff = now - ageMs;
  const removed: string[] = [];
  let removedBytes = 0;
  let skippedLinks = 0;
  let kept = 0;
  let seen = 0;
  const errors: string[] = [];
  const walk = async (current: string): Promise<void> => {
    // Re-checked on every directory: a directory replaced by a link after it was listed is not entered.
    const real = await realpath(current);
    if (!isWithin(realRoot, real) || real !== current) {
      skippedLinks++;
      return;
    }
    for (const entry of await readdir(current, { withFileTypes: true })) {
      if (++seen > MAX_ENTRIES) return;
      const full = path.join(current, entry.name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) continue;
      if (st.isSymbolicLink()) skippedLinks++;
      else if (st.isDirectory()) await walk(full);
      else if (st.isFile() && test(entry.name) && st.mtimeMs < cutoff) {
        try {
          await unlink(full);
          removed.push(path.relative(dir, full));
          removedBytes += st.size;
        } catch (error) {
          if (errors.length < 10) errors.push(`${full}: ${describeError(error)}`);
        }
      } else kept++;
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    return failed('error', describeError(error), { removed: removed.length, removedBytes });
  }
  return succeeded({
    path: dir,
    removed: removed.length,
    removedBytes,
    files: removed.slice(0, 100),
    kept,
    skippedLinks,
    truncated: seen > MAX_ENTRIES,
    ...(errors.length > 0 ? { errors } : {}),
  });
}
