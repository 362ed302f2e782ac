/** One line of a diff: kept, removed from the old text, or added in the new one. */
export interface DiffLine {
  op: ' ' | '-' | '+';
  line: string;
}

/**
 * A line diff of two texts by longest common subsequence: the lines marked ' ' and '-' are the old
 * text, those marked ' ' and '+' the new one, in order. Quadratic in lines, which is fine for
 * playbooks and Cedar policies (at most 64 KiB each).
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: a[i] as string });
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) {
      out.push({ op: '-', line: a[i++] as string });
    } else {
      out.push({ op: '+', line: b[j++] as string });
    }
  }
  while (i < n) out.push({ op: '-', line: a[i++] as string });
  while (j < m) out.push({ op: '+', line: b[j++] as string });
  return out;
}

/** The diff as text, one `<op> <line>` per line. */
export function formatDiff(lines: readonly DiffLine[]): string {
  return lines.map((l) => `${l.op} ${l.line}`).join('\n');
}
