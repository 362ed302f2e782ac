import { terminalSafe } from './terminal-text.js';

/**
 * Formats rows as an aligned plain-text table, the way `kubectl get` prints.
 * Cells often hold what nodes reported, so control and bidirectional characters are shown escaped.
 */
export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map(terminalSafe));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** "12s ago", "3m ago": how long since an ISO time, relative to `now`. */
export function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}
