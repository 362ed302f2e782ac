import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSelector, type Matcher, matches, parseSelector, SelectorError, selects } from './selector.js';

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/).filter((n) => n !== '__name__');
const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,16}$/);
// Values of every kind a label may hold: quotes, backslashes, newlines, non-Latin text, emoji.
const value = fc.string({ unit: 'grapheme', maxLength: 12 });
const regexSafe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const matcher: fc.Arbitrary<Matcher> = fc.oneof(
  fc.record({ name: labelName, op: fc.constantFrom('=' as const, '!=' as const), value }),
  fc.record({
    name: labelName,
    op: fc.constantFrom('=~' as const, '!~' as const),
    value: fc.array(value.map(regexSafe), { minLength: 1, maxLength: 3 }).map((alts) => alts.join('|')),
  }),
);

function shape(ms: readonly Matcher[]): [string, string, string][] {
  return ms.map((m) => [m.name, m.op, m.value]);
}

describe('series selector parser', () => {
  it('parses what formatSelector writes back to the same matchers', () => {
    fc.assert(
      fc.property(metricName, fc.array(matcher, { maxLength: 5 }), (name, rest) => {
        const selector = { matchers: [{ name: '__name__', op: '=' as const, value: name }, ...rest] };
        expect(shape(parseSelector(formatSelector(selector)).matchers)).toEqual(shape(selector.matchers));
      }),
    );
  });

  it('reads a metric name outside the braces as a __name__ matcher, with any spacing and a trailing comma', () => {
    fc.assert(
      fc.property(
        metricName,
        fc.array(matcher, { maxLength: 4 }),
        fc.constantFrom('', ' ', '\t', '\n  '),
        (name, rest, ws) => {
          const body = rest.map((m) => `${ws}${m.name}${ws}${m.op}${ws}${JSON.stringify(m.value)}${ws}`).join(',');
          const text = `${ws}${name}${ws}{${body}${rest.length > 0 ? `,${ws}` : ''}}${ws}`;
          expect(shape(parseSelector(text).matchers)).toEqual([['__name__', '=', name], ...shape(rest)]);
        },
      ),
    );
  });

  it('never throws anything but a SelectorError, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseSelector(text);
        } catch (error) {
          expect(error).toBeInstanceOf(SelectorError);
          expect((error as SelectorError).position).toBeGreaterThanOrEqual(0);
          expect((error as SelectorError).position).toBeLessThanOrEqual(text.length);
        }
      }),
    );
  });

  it('matches like Prometheus: an absent label is "", regular expressions are anchored', () => {
    fc.assert(
      fc.property(labelName, value, value, (name, a, b) => {
        const eq = parseSelector(`x{${name}=${JSON.stringify(a)}}`).matchers[1] as Matcher;
        const re = parseSelector(`x{${name}=~${JSON.stringify(regexSafe(a))}}`).matchers[1] as Matcher;
        expect(matches(eq, b)).toBe(a === b);
        expect(matches(re, b)).toBe(a === b);
        expect(selects(parseSelector(`x{${name}!=""}`), 'x', {})).toBe(false);
        expect(selects(parseSelector(`x{${name}=~".*"}`), 'x', {})).toBe(true);
      }),
    );
    expect(selects(parseSelector('cpu{mode=~"us"}'), 'cpu', { mode: 'user' })).toBe(false);
    expect(selects(parseSelector('cpu{mode=~"us.*"}'), 'cpu', { mode: 'user' })).toBe(true);
    expect(selects(parseSelector("{__name__=~'cpu|mem', host!~`a.*`}"), 'mem', { host: 'b1' })).toBe(true);
  });

  it('refuses selectors Prometheus refuses, saying where', () => {
    for (const [text, message] of [
      ['{}', /at least one matcher/],
      ['{job=~".*"}', /at least one matcher/],
      ['cpu{__name__="x"}', /given twice/],
      ['cpu{job="a"', /expected "," or "}"/],
      ['cpu{job=~"("}', /invalid regular expression/],
      ['cpu{9job="a"}', /label name/],
      ['cpu{job="\\q"}', /unknown escape/],
      ['cpu extra', /unexpected text/],
    ] as const) {
      expect(() => parseSelector(text)).toThrow(message);
    }
    expect(parseSelector('{job="a\\n\\x41\\u00e9\\101"}').matchers[0]?.value).toBe('a\nAéA');
  });
});
