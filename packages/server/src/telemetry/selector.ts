/**
 * Prometheus series selectors: `cpu_usage{node="n1",mode!="idle"}`,
 * `{__name__=~"node_.*",job="node"}`. The grammar is PromQL's vector
 * selector without offsets or ranges: an optional metric name, then an
 * optional brace list of `label op "value"` with `=`, `!=`, `=~`, `!~`.
 * Strings take double quotes, single quotes (Go escapes) or backticks (raw).
 * Regular expressions are fully anchored and `.` matches a newline, as in
 * Prometheus; they run as JavaScript regular expressions, which agree with
 * Prometheus' RE2 on the usual forms (classes, alternation, repetition).
 *
 * Hand-written: the grammar is a few lines, and the PromQL parsers on npm
 * are editor grammars (lezer) that stop at a syntax tree.
 */
import { LABEL_NAME, NAME_LABEL } from './names.js';

/** How a matcher compares a label's value. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One `label op value` condition; an absent label has the value "". */
export interface Matcher {
  name: string;
  op: MatchOp;
  value: string;
  /** The anchored expression, for `=~` and `!~`. */
  regex?: RegExp;
}

/** A parsed selector: every matcher must hold. */
export interface Selector {
  matchers: Matcher[];
}

/** A selector that does not parse; `position` is the 0-based offset of the fault. */
export class SelectorError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'SelectorError';
  }
}

const METRIC_START = /[a-zA-Z_:]/;
const METRIC_PART = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_PART = /[a-zA-Z0-9_]/;
const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/** Compiles a Prometheus regular expression, fully anchored, or throws naming it. */
export function compileRegex(source: string, at = 0): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, 's');
  } catch (error) {
    throw new SelectorError(`invalid regular expression "${source}": ${(error as Error).message}`, at);
  }
}

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  word(start: RegExp, part: RegExp): string {
    const from = this.pos;
    if (!start.test(this.peek() ?? '')) return '';
    this.pos++;
    while (this.pos < this.text.length && part.test(this.text[this.pos] as string)) this.pos++;
    return this.text.slice(from, this.pos);
  }
  fail(message: string): never {
    throw new SelectorError(message, this.pos);
  }
}

function readString(s: Scanner): string {
  const quote = s.peek();
  if (quote !== '"' && quote !== "'" && quote !== '`') s.fail('expected a quoted label value');
  const start = s.pos;
  s.pos++;
  let out = '';
  while (true) {
    const c = s.text[s.pos];
    if (c === undefined) {
      s.pos = start;
      s.fail('unterminated string');
    }
    s.pos++;
    if (c === quote) return out;
    if (c === '\\' && quote !== '`') {
      out += readEscape(s, quote);
      continue;
    }
    if (c === '\n' && quote !== '`') s.fail('newline in a quoted string');
    out += c;
  }
}

function readEscape(s: Scanner, quote: string): string {
  const c = s.text[s.pos];
  if (c === undefined) s.fail('unterminated escape');
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined && (c !== '"' || quote === '"') && (c !== "'" || quote === "'")) {
    s.pos++;
    return simple;
  }
  const hex = (n: number) => {
    const digits = s.text.slice(s.pos + 1, s.pos + 1 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) s.fail(`expected ${n} hex digits after \\${c}`);
    s.pos += 1 + n;
    const code = Number.parseInt(digits, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) s.fail('escape is not a Unicode scalar value');
    return code;
  };
  if (c === 'x') return String.fromCharCode(hex(2));
  if (c === 'u') return String.fromCodePoint(hex(4));
  if (c === 'U') return String.fromCodePoint(hex(8));
  if (/[0-7]/.test(c)) {
    const digits = s.text.slice(s.pos, s.pos + 3);
    if (!/^[0-7]{3}$/.test(digits)) s.fail('expected 3 octal digits');
    const code = Number.parseInt(digits, 8);
    if (code > 255) s.fail('octal escape above \\377');
    s.pos += 3;
    return String.fromCharCode(code);
  }
  return s.fail(`unknown escape \\${c}`);
}

function readOp(s: Scanner): MatchOp {
  const two = s.text.slice(s.pos, s.pos + 2);
  if (two === '!=' || two === '=~' || two === '!~') {
    s.pos += 2;
    return two;
  }
  if (s.peek() === '=') {
    s.pos++;
    return '=';
  }
  return s.fail('expected one of =, !=, =~, !~');
}

/**
 * Parses a series selector. At least one matcher must fail to match the
 * empty string (as in Prometheus), so a selector cannot select every series
 * by accident.
 *
 * @example
 * parseSelector('cpu_usage_pct{node="n1",mode!="idle"}').matchers.length; // 3
 */
export function parseSelector(text: string): Selector {
  const s = new Scanner(text);
  const matchers: Matcher[] = [];
  s.skipSpace();
  const name = s.word(METRIC_START, METRIC_PART);
  if (name) matchers.push({ name: NAME_LABEL, op: '=', value: name });
  s.skipSpace();
  if (s.peek() === '{') {
    s.pos++;
    while (true) {
      s.skipSpace();
      if (s.peek() === '}') break;
      const labelAt = s.pos;
      const label = s.word(LABEL_START, LABEL_PART);
      if (!label) s.fail('expected a label name');
      s.skipSpace();
      const op = readOp(s);
      s.skipSpace();
      const valueAt = s.pos;
      const value = readString(s);
      if (label === NAME_LABEL && name) throw new SelectorError('the metric name is given twice', labelAt);
      const m: Matcher = { name: label, op, value };
      if (op === '=~' || op === '!~') m.regex = compileRegex(value, valueAt);
      matchers.push(m);
      s.skipSpace();
      if (s.peek() === ',') {
        s.pos++;
        continue;
      }
      if (s.peek() !== '}') s.fail('expected "," or "}"');
      break;
    }
    s.pos++;
  } else if (!name) {
    s.fail('expected a metric name or "{"');
  }
  s.skipSpace();
  if (s.pos < text.length) s.fail('unexpected text after the selector');
  if (!matchers.some((m) => !matches(m, ''))) {
    throw new SelectorError('a selector needs at least one matcher that does not match the empty string', 0);
  }
  return { matchers };
}

/** Whether one matcher holds for a label value ("" when the label is absent). */
export function matches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return (m.regex as RegExp).test(value);
    case '!~':
      return !(m.regex as RegExp).test(value);
  }
}

/** Whether a series (its name and labels) satisfies every matcher of the selector. */
export function selects(selector: Selector, name: string, labels: Record<string, string>): boolean {
  for (const m of selector.matchers) {
    const value = m.name === NAME_LABEL ? name : (labels[m.name] ?? '');
    if (!matches(m, value)) return false;
  }
  return true;
}

/** The metric name the selector pins with `__name__="..."`, which narrows the series lookup. */
export function exactName(selector: Selector): string | undefined {
  return selector.matchers.find((m) => m.name === NAME_LABEL && m.op === '=')?.value;
}

/** Writes a selector back as text that parses to the same matchers (double-quoted, JSON-escaped values). */
export function formatSelector(selector: Selector): string {
  const parts = selector.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`);
  return `{${parts.join(',')}}`;
}

/** Whether `name` may be used as a label name in a selector or a series. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}
