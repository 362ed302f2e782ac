import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type CommandSpec, formatHelp, keyValueFlag, parseDuration, parseFlags } from './args.js';
import { CliError } from './cli-error.js';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'a demo command',
  usage: 'aurora demo [--label k=v]',
  flags: {
    label: { type: 'string', multiple: true, placeholder: 'key=value', description: 'a label' },
    port: { type: 'string', short: 'p', description: 'a port' },
  },
};

describe('flags', () => {
  test('an unknown flag is an error that points at the command help', () => {
    expect(() => parseFlags(spec, ['--nope'])).toThrowError(CliError);
    try {
      parseFlags(spec, ['--nope']);
    } catch (error) {
      expect((error as CliError).hint).toContain('aurora demo --help');
    }
  });

  test('repeated key=value flags become a record', () => {
    const { flags } = parseFlags(spec, ['--label', 'role=db', '--label', 'zone=a=b']);
    expect(keyValueFlag(flags, 'label')).toEqual({ role: 'db', zone: 'a=b' });
  });

  test('a label without "=" is rejected with an example', () => {
    const { flags } = parseFlags(spec, ['--label', 'role']);
    expect(() => keyValueFlag(flags, 'label')).toThrowError(/key=value/);
  });

  test('help lists every flag with its description', () => {
    const help = formatHelp(spec);
    expect(help).toContain('--label <key=value>');
    expect(help).toContain('-p, --port <value>');
    expect(help).toContain('-h, --help');
  });
});

describe('durations', () => {
  test('units scale to milliseconds', () => {
    expect(parseDuration('250', 'x')).toBe(250);
    expect(parseDuration('90s', 'x')).toBe(90_000);
    expect(parseDuration('15m', 'x')).toBe(900_000);
    expect(parseDuration('24h', 'x')).toBe(86_400_000);
    expect(parseDuration('7d', 'x')).toBe(604_800_000);
  });

  test('any whole number with a unit round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('s', 'm', 'h'), (n, unit) => {
        const scale = { s: 1000, m: 60_000, h: 3_600_000 }[unit];
        expect(parseDuration(`${n}${unit}`, 'ttl')).toBe(n * scale);
      }),
    );
  });

  test('garbage is a CliError naming the flag, never a NaN', () => {
    fc.assert(
      fc.property(
        // The grammar allows a space before the unit ("5 s"), as server settings always did.
        fc.string().filter((s) => !/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)?\s*$/.test(s)),
        (text) => {
          expect(() => parseDuration(text, 'ttl')).toThrowError(/--ttl: .*use milliseconds .*7d/);
        },
      ),
    );
  });
});
