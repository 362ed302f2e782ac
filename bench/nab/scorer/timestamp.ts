/**
 * NAB timestamps are naive wall-clock times ("2014-04-10 07:15:00", and
 * "2014-04-10 07:15:00.000000" in the label files). Both are read as UTC so
 * that equal wall-clock times compare equal, whatever the machine's zone.
 */

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/**
 * Milliseconds since the epoch for a NAB-style timestamp. Naive times are UTC;
 * anything else that `Date.parse` understands (ISO 8601 with a zone) is accepted too.
 * @throws when the text is not a timestamp, naming the text.
 */
export function parseTimestamp(text: string): number {
  const trimmed = text.trim();
  const m = NAIVE.exec(trimmed);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m;
    const ms = frac === '' ? 0 : Number(`0.${frac}`) * 1000;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + ms;
  }
  const parsed = Date.parse(trimmed);
  if (Number.isNaN(parsed)) {
    throw new Error(`"${text}" is not a timestamp; use "YYYY-MM-DD HH:MM:SS" or ISO 8601`);
  }
  return parsed;
}
