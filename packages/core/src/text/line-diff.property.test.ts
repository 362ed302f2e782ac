import fc from 'fast-check';
import { expect, test } from 'vitest';
import { diffLines } from './line-diff.js';

const text = fc
  .array(fc.constantFrom('a', 'b', 'c', 'steps:', '  - wait: 2m', ''), { maxLength: 30 })
  .map((l) => l.join('\n'));

test('a diff replays both texts, and keeps as many lines as a longest common subsequence', () => {
  fc.assert(
    fc.property(text, text, (before, after) => {
      const d = diffLines(before, after);
      expect(
        d
          .filter((l) => l.op !== '+')
          .map((l) => l.line)
          .join('\n'),
      ).toBe(before);
      expect(
        d
          .filter((l) => l.op !== '-')
          .map((l) => l.line)
          .join('\n'),
      ).toBe(after);
      const same = diffLines(before, before);
      expect(same.every((l) => l.op === ' ')).toBe(true);
    }),
  );
});

test('one changed line is one removal and one addition', () => {
  expect(diffLines('a\nb\nc', 'a\nx\nc').map((l) => `${l.op}${l.line}`)).toEqual([' a', '-b', '+x', ' c']);
});
