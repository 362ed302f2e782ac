import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvRow, parseCsv } from './csv.js';
import { parseTimestamp } from './timestamp.js';

describe('the CSV reader', () => {
  it('reads any table the writer produces back unchanged, with LF or CRLF line ends', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '1', '.', ' ', ',', '"', '\n', '\r', 'é'), maxLength: 8 });
    const table = fc
      .integer({ min: 1, max: 5 })
      .chain((width) =>
        fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 10 }),
      )
      // A row of one empty field is a blank line, which the reader skips on purpose.
      .filter((rows) => rows.every((r) => r.length > 1 || r[0] !== ''));
    fc.assert(
      fc.property(table, fc.constantFrom('\n', '\r\n'), fc.boolean(), (rows, eol, finalNewline) => {
        const text = rows.map(formatCsvRow).join(eol) + (finalNewline ? eol : '');
        const parsed = parseCsv(text);
        expect([parsed.header, ...parsed.rows]).toEqual(rows);
      }),
    );
  });

  it('skips a byte-order mark and blank lines', () => {
    expect(parseCsv('\ufefftimestamp,value\r\n\r\n2014-01-01 00:00:00,1.5\n\n')).toEqual({
      header: ['timestamp', 'value'],
      rows: [['2014-01-01 00:00:00', '1.5']],
    });
  });

  it('reads quoted fields with commas, quotes and newlines inside', () => {
    expect(parseCsv('a,b\n"x, ""y""","line\nbreak"\n').rows).toEqual([['x, "y"', 'line\nbreak']]);
  });
});

describe('NAB timestamps', () => {
  it('treat the data-file and label-file spellings of one instant as equal', () => {
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(parseTimestamp('2014-04-10 07:15:00.000000'));
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(Date.UTC(2014, 3, 10, 7, 15));
  });

  it('read any naive wall-clock time as UTC, to the millisecond', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (d) => {
        const text = d.toISOString().replace('T', ' ').replace('Z', '');
        expect(parseTimestamp(text)).toBe(d.getTime());
      }),
    );
  });

  it('reject text that is not a time, saying which formats work', () => {
    expect(() => parseTimestamp('yesterday')).toThrow(/"yesterday" is not a timestamp; use "YYYY-MM-DD HH:MM:SS"/);
  });
});
