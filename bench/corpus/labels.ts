/**
 * NAB's window rule (its labeller, `nab/labeler.py`): the windows of a file share 10 % of its
 * length equally, and each is centred on its anomaly's labelled point, clipped to the file;
 * windows that would overlap are merged. Returns [first row, last row] pairs, both included.
 */
export function nabWindowRows(rows: number, onsets: readonly number[]): [number, number][] {
  if (onsets.length === 0) return [];
  const length = Math.floor((0.1 * rows) / onsets.length);
  const half = Math.floor(length / 2);
  const windows: [number, number][] = [];
  for (const onset of [...onsets].sort((a, b) => a - b)) {
    const start = Math.max(0, onset - half);
    const end = Math.min(rows - 1, onset + half);
    const previous = windows[windows.length - 1];
    if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
    else windows.push([start, end]);
  }
  return windows;
}

/** A timestamp as NAB writes it: naive UTC wall-clock time, "YYYY-MM-DD HH:MM:SS". */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A window limit as NAB's combined_windows.json writes it (microseconds included). */
export function formatWindowLimit(ms: number): string {
  return `${formatTimestamp(ms)}.000000`;
}
