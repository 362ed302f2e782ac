/**
 * Parser of the Prometheus text exposition format (version 0.0.4), what
 * node_exporter, prom-client and most exporters serve at `/metrics`.
 *
 * Hand-written: the one parser on npm (parse-prometheus-text-format) groups
 * lines into metric families and folds histogram buckets into objects,
 * losing the series and labels this needs, and is unmaintained. The format
 * is line-based: `# HELP` / `# TYPE` comments, and samples
 * `name{label="value",...} value [timestamp_ms]`.
 */

/** One sample line. */
export interface ExposedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  timestampMs?: number;
}

/** A line that does not parse; Prometheus fails the whole scrape on one, and so does Aurora. */
export class ExpositionError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_PART = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_PART = /[a-zA-Z0-9_]/;

/** A float as Go's strconv.ParseFloat reads it in exposition: decimal, exponent, NaN, ±Inf. */
export function parseExposedValue(text: string): number | undefined {
  const t = text.toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === '+inf' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

/** Parses a whole exposition; throws {@link ExpositionError} naming the first bad line. */
export function parseExposition(text: string): ExposedSample[] {
  const out: ExposedSample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).replace(/\r$/, '');
    let i = 0;
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i === line.length || line[i] === '#') continue;
    const fail = (message: string): never => {
      throw new ExpositionError(message, n + 1);
    };
    const word = (start: RegExp, part: RegExp) => {
      const from = i;
      if (!start.test(line[i] ?? '')) return '';
      i++;
      while (i < line.length && part.test(line[i] as string)) i++;
      return line.slice(from, i);
    };
    const spaces = () => {
      while (line[i] === ' ' || line[i] === '\t') i++;
    };
    const name = word(NAME_START, NAME_PART);
    if (!name) fail('expected a metric name');
    const labels: Record<string, string> = {};
    spaces();
    if (line[i] === '{') {
      i++;
      while (true) {
        spaces();
        if (line[i] === '}') break;
        const label = word(LABEL_START, LABEL_PART);
        if (!label) fail('expected a label name');
        spaces();
        if (line[i] !== '=') fail(`expected "=" after label ${label}`);
        i++;
        spaces();
        if (line[i] !== '"') fail(`expected a quoted value for label ${label}`);
        i++;
        let value = '';
        while (true) {
          const c = line[i];
          if (c === undefined) fail(`unterminated value of label ${label}`);
          i++;
          if (c === '"') break;
          if (c === '\\') {
            const e = line[i];
            i++;
            if (e === 'n') value += '\n';
            else if (e === '\\' || e === '"') value += e;
            else fail(`unknown escape \\${e ?? ''} in label ${label}`);
          } else value += c;
        }
        if (label in labels) fail(`label ${label} appears twice`);
        labels[label] = value;
        spaces();
        if (line[i] === ',') {
          i++;
          continue;
        }
        if (line[i] !== '}') fail('expected "," or "}"');
        break;
      }
      i++;
    }
    const rest = line
      .slice(i)
      .trim()
      .split(/[ \t]+/);
    if (rest.length < 1 || rest[0] === '' || rest.length > 2) fail('expected a value and an optional timestamp');
    const value = parseExposedValue(rest[0] as string);
    if (value === undefined) fail(`"${rest[0]}" is not a number`);
    const sample: ExposedSample = { name, labels, value: value as number };
    if (rest.length === 2) {
      if (!/^-?\d+$/.test(rest[1] as string)) fail(`"${rest[1]}" is not a timestamp in milliseconds`);
      sample.timestampMs = Number(rest[1]);
    }
    out.push(sample);
  }
  return out;
}

/** Formats a value as exposition writes it. */
export function formatExposedValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  // String(-0) is "0"; a scraped -0 must read back as the value the target exposed.
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** Writes samples as exposition lines (for tests and the benchmark's OpenMetrics export). */
export function formatExposition(samples: readonly ExposedSample[]): string {
  const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return samples
    .map((s) => {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      const head = labels.length ? `${s.name}{${labels.join(',')}}` : s.name;
      return `${head} ${formatExposedValue(s.value)}${s.timestampMs !== undefined ? ` ${s.timestampMs}` : ''}\n`;
    })
    .join('');
}
