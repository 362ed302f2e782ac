/** Formatting shared by the console's tables and charts. */

/** `42.3 %`, or an em dash when the value is unknown. */
export function formatPercent(value: number | undefined | null): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(1)} %`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units: `1.5 GiB`. */
export function formatBytes(value: number | undefined | null): string {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—';
  let v = Math.abs(value);
  let unit = 0;
  while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const sign = value < 0 ? '-' : '';
  return `${sign}${unit === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** A rate in bytes per second: `12 KiB/s`. */
export function formatRate(value: number | undefined | null): string {
  const bytes = formatBytes(value);
  return bytes === '—' ? bytes : `${bytes}/s`;
}

/** How long ago an ISO time was, relative to `nowMs`: `4 s ago`, `3 min ago`, `2 h ago`, `5 d ago`. */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '—';
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A local date and time for tooltips and history rows. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleString();
}

/** How long until an ISO time, relative to `nowMs`: `in 4 s`, `in 9 min`, `in 2 h`; past times as {@link formatAgo}. */
export function formatIn(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return '—';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '—';
  if (then <= nowMs) return formatAgo(iso, nowMs);
  const seconds = Math.round((then - nowMs) / 1000);
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.floor(hours / 24)} d`;
}
