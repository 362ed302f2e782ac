/**
 * The benchmark's fleet: N nodes × M metrics sampled every interval over a
 * span, with values that look like machine metrics (a daily wave, a per-node
 * level, deterministic noise), the same for Aurora and Prometheus.
 */

/** Metric names of the synthetic fleet, the first being the CPU the fleet query reads. */
export const METRICS = [
  'cpu_usage_pct',
  'mem_used_pct',
  'disk_used_pct',
  'load1',
  'net_rx_bps',
  'net_tx_bps',
  'disk_read_bps',
  'disk_write_bps',
  'proc_count',
  'swap_used_bytes',
];

/** The shape of one run. */
export interface Fleet {
  nodes: number;
  metrics: number;
  intervalMs: number;
  /** First sample time (inclusive) and end (exclusive), ms. */
  start: number;
  end: number;
}

/** The node label value of node `i`. */
export function nodeName(i: number): string {
  return `bench-${String(i).padStart(4, '0')}`;
}

/** Metric name `m` (beyond the named ten: metric_<m>). */
export function metricName(m: number): string {
  return METRICS[m] ?? `metric_${m}`;
}

/** A deterministic pseudo-random number in [0, 1) from three integers. */
function hash(a: number, b: number, c: number): number {
  let h = (a * 374_761_393 + b * 668_265_263 + c * 2_147_483_647) | 0;
  h = Math.imul(h ^ (h >>> 13), 1_274_126_177);
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

/** The value of metric `m` of node `n` at time `t`, rounded to 0.01 so both stores keep identical numbers. */
export function valueAt(n: number, m: number, t: number): number {
  const day = Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000);
  const level = 20 + 40 * hash(n, m, 0);
  return Math.round((level + 15 * day + 5 * hash(n, m, Math.floor(t / 1000))) * 100) / 100;
}

/** Sample times of the fleet. */
export function times(f: Fleet, from = f.start, to = f.end): number[] {
  const out: number[] = [];
  for (let t = Math.ceil((from - f.start) / f.intervalMs) * f.intervalMs + f.start; t < to; t += f.intervalMs)
    out.push(t);
  return out;
}
