/**
 * A small RFC 4180 CSV reader and writer: enough for NAB's files (plain
 * numbers and timestamps) and for user corpora that quote their fields.
 */

/** A parsed CSV document: the header row and the data rows, all as text. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text. Accepts LF or CRLF line ends, a UTF-8 byte-order mark,
 * quoted fields with doubled quotes inside, and a missing final newline.
 * Blank lines are skipped because editors often leave one at the end.
 */
export function parseCsv(text: string): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // Unquoted files (all of NAB) take a fast path: split lines, then commas.
  const records = body.includes('"') ? parseRecords(body) : splitPlain(body);
  const header = records.shift() ?? [];
  return { header, rows: records };
}

function splitPlain(text: string): string[][] {
  const records: string[][] = [];
  for (const line of text.split(/\r\n|\n|\r/)) if (line !== '') records.push(line.split(','));
  return records;
}

function parseRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    if (fieldStarted || record.length > 0) {
      record.push(field);
      records.push(record);
    }
    record = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  endRecord();
  return records;
}

/** Formats one CSV row, quoting only the fields that need it. */
export function formatCsvRow(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
}

/** The index of a named column, or an error that names the file and the columns it has. */
export function columnIndex(table: CsvTable, name: string, file: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) {
    throw new Error(`${file}: no "${name}" column (columns: ${table.header.join(', ')}); add a "${name}" header`);
  }
  return index;
}
