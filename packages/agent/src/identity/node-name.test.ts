import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_NAME_PATTERN, nodeNameFromHostname, validateNodeName } from './node-name.js';

describe('node names', () => {
  it('derives a lowercase valid name from a hostname', () => {
    expect(nodeNameFromHostname('Build_Box-01.Local')).toBe('build-box-01.local');
    expect(nodeNameFromHostname('--web 7--')).toBe('web-7');
  });

  it('falls back to "node" when nothing of the hostname is usable', () => {
    expect(nodeNameFromHostname('___')).toBe('node');
  });

  it('always derives a name the join contract accepts, whatever the hostname', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (hostname) => {
        const name = nodeNameFromHostname(hostname);
        expect(name).toMatch(NODE_NAME_PATTERN);
        expect(name.length).toBeLessThanOrEqual(63);
      }),
    );
  });

  it('rejects an invalid chosen name with an example of a valid one', () => {
    expect(() => validateNodeName('Web_01')).toThrow(/name "Web_01" is not a valid node name.*web-01/);
    expect(validateNodeName('web-01')).toBe('web-01');
  });
});
