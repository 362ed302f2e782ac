import * as core from '@aurora/core';
import { expect, test } from 'vitest';

test('core resolves from source', () => {
  expect(typeof core).toBe('object');
});
