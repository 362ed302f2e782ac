/**
 * Where a clean-path action may act, and on which names. Both checks are pure, so they are
 * property-tested: a path is inside a root only when, after normalisation, it is the root or
 * below it; a pattern matches one file name (never a `/`).
 */
import path from 'node:path';

/** Builds a matcher for a file-name glob: `*` any run, `?` one character, `[abc]`/`[a-z]`/`[!a]` a class. */
export function compileGlob(
  pattern: string,
): { ok: true; test: (name: string) => boolean } | { ok: false; problem: string } {
  if (pattern.length === 0 || pattern.length > 128) return { ok: false, problem: 'must be 1 to 128 characters' };
  if (pattern.includes('/') || pattern.includes('\\') || pattern.includes('\0')) {
    return { ok: false, problem: 'matches file names only: no "/", "\\" or NUL' };
  }
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    // A glob names files inside one directory, so no wildcard may reach across a "/".
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) return { ok: false, problem: `"[" at ${i} is never closed` };
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body.length === 0) return { ok: false, problem: `empty class at ${i}` };
      // Inside a class only "-" between two characters is special; everything else is literal.
      const escaped = body.replace(/[\\\]^[]/g, '\\$&');
      source += negate ? `[^/${escaped}]` : `[${escaped}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  let re: RegExp;
  try {
    re = new RegExp(`^${source}$`, 's');
  } catch (error) {
    return { ok: false, problem: `not a valid pattern (${(error as Error).message})` };
  }
  return { ok: true, test: (name) => name !== '.' && name !== '..' && re.test(name) };
}

/** True when `child` is `root` or lies below it (both absolute and normalised). */
export function isWithin(root: string, child: string): boolean {
  if (child === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return child.startsWith(prefix);
}

/**
 * The root that holds `requested`, judged on the text alone: it must be absolute, and once `.` and
 * `..` are resolved it must be a root or below one. Symbolic links are checked afterwards on the
 * real file system ({@link clean-path}), since text cannot see them.
 */
export function lexicalRoot(requested: string, roots: readonly string[]): string | undefined {
  if (!path.isAbsolute(requested) || requested.includes('\0')) return undefined;
  const normal = path.resolve(requested);
  return roots.find((root) => isWithin(root, normal));
}
