import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, isWithin, lexicalRoot } from './paths.js';

const ROOTS = ['/srv/app/cache', '/var/tmp/aurora'];
const segment = fc.oneof(
  fc.constantFrom('..', '.', '', 'cache', 'app', 'srv', 'aurora', 'tmp', 'var', 'cache-evil', 'a..b'),
  fc.stringMatching(/^[a-z.-]{1,6}$/),
);

describe('lexicalRoot', () => {
  it('accepts a path only when, resolved, it is a root or below one', () => {
    fc.assert(
      fc.property(fc.constantFrom('', ...ROOTS), fc.array(segment, { maxLength: 8 }), (base, segments) => {
        const requested = `${base}/${segments.join('/')}`;
        const root = lexicalRoot(requested, ROOTS);
        const resolved = path.resolve(requested);
        const inside = ROOTS.some((r) => resolved === r || resolved.startsWith(`${r}/`));
        expect(root !== undefined).toBe(inside);
        if (root) expect(isWithin(root, resolved)).toBe(true);
      }),
    );
  });

  it('refuses relative paths and paths with NUL whatever they say', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        expect(lexicalRoot(segments.join('/').replace(/^\/+/, ''), ROOTS)).toBeUndefined();
        expect(lexicalRoot(`${ROOTS[0]}/${segments.join('/')}\0`, ROOTS)).toBeUndefined();
      }),
    );
  });

  it('never takes a sibling that shares the root as a prefix', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,8}$/), (suffix) => {
        expect(lexicalRoot(`${ROOTS[0]}${suffix}/x`, ROOTS)).toBeUndefined();
      }),
    );
  });
});

describe('compileGlob', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/);
  it('never throws and never matches a name with a slash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 20 }), (pattern, probe) => {
        const glob = compileGlob(pattern);
        if (glob.ok) expect(glob.test(`${probe}/x`)).toBe(false);
        else expect(glob.problem.length).toBeGreaterThan(0);
      }),
    );
  });

  it('a literal name matches itself and nothing else', () => {
    fc.assert(
      fc.property(name, name, (literal, other) => {
        const glob = compileGlob(literal);
        if (!glob.ok) throw new Error(glob.problem);
        expect(glob.test(literal)).toBe(literal !== '.' && literal !== '..');
        if (other !== literal) expect(glob.test(other)).toBe(false);
      }),
    );
  });

  it('*SUFFIX matches exactly the names ending in SUFFIX, ? exactly one character', () => {
    fc.assert(
      fc.property(name, name, (suffix, probe) => {
        const star = compileGlob(`*${suffix}`);
        const one = compileGlob(`?${suffix}`);
        if (!star.ok || !one.ok) throw new Error('valid patterns');
        const candidate = probe + suffix;
        expect(star.test(candidate)).toBe(candidate !== '..');
        expect(star.test(probe)).toBe(probe.endsWith(suffix) && probe !== '..' && probe !== '.');
        expect(one.test(candidate)).toBe(probe.length === 1 && candidate !== '..');
      }),
    );
  });

  it('refuses patterns with a slash or an unclosed class', () => {
    expect(compileGlob('a/b').ok).toBe(false);
    expect(compileGlob('[abc').ok).toBe(false);
    expect(compileGlob('').ok).toBe(false);
    const cls = compileGlob('core.[0-9]*');
    expect(cls.ok && cls.test('core.123') && !cls.test('core.x')).toBe(true);
    const neg = compileGlob('[!.]*');
    expect(neg.ok && neg.test('visible') && !neg.test('.hidden')).toBe(true);
    // No wildcard reaches across a directory: "*" once matched "/x" (empty name, then the slash).
    for (const wild of ['*', '?x', '[!a]x', '*.log']) {
      const glob = compileGlob(wild);
      expect(glob.ok && (glob.test('/x') || glob.test('a/x') || glob.test('d/b.log'))).toBe(false);
    }
  });
});
