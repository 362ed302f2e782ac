import type { Random } from './random.js';
import { drawRhythm, hourOfDay, loadAt, type Rhythm } from './rhythm.js';

/** The categories of the corpus, one folder each, as NAB groups its files. */
export const CATEGORIES = [
  'serviceLatency',
  'serviceRequests',
  'serviceErrors',
  'hostCpu',
  'hostMemory',
  'hostDisk',
] as const;

/** One category of the corpus. */
export type Category = (typeof CATEGORIES)[number];

/** The kinds of anomaly injected, each at a known onset. */
export const ANOMALY_KINDS = ['levelShift', 'varianceChange', 'trendBreak', 'stuck', 'dropout', 'spike'] as const;

/** One kind of anomaly. */
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/**
 * How noise and changes act on a metric: `log` multiplies (latencies, rates: a change is a
 * ratio), `linear` adds (percentages), `count` draws Poisson counts around a rate (errors).
 */
export type Scale = 'log' | 'linear' | 'count';

/** A metric before noise and anomalies: its expected path and how it varies around it. */
export interface MetricModel {
  name: string;
  scale: Scale;
  /** Expected value of each row (rhythm, trend, periodic jobs), or the Poisson rate for counts. */
  level: Float64Array;
  /** Noise standard deviation: in log units for `log`, in the metric's units for `linear`. */
  sigma: number;
  /** Lag-one autocorrelation of the noise (scraped metrics are averages, smoother than white noise). */
  ar: number;
  /** Benign heavy-tail excursions: probability per row and Pareto index (smaller = heavier). */
  tail?: { p: number; alpha: number };
  /** For error ratios: requests per row the counts are divided by (×100, a percentage). */
  perRequests?: Float64Array;
  min: number;
  max: number;
  decimals: number;
  /** Which way a level shift or trend usually goes for this metric (+1 up, −1 down). */
  badDirection: 1 | -1;
  /** Anomaly kinds that happen to such a metric, with their relative frequency. */
  kinds: [AnomalyKind, number][];
}

const SERVICES = [
  'checkout',
  'search',
  'auth',
  'catalog',
  'payments',
  'gateway',
  'orders',
  'profile',
  'cart',
  'inventory',
  'notifications',
  'recommendations',
  'billing',
  'shipping',
  'media',
  'sessions',
];
const HOSTS = ['web', 'api', 'db', 'cache', 'queue', 'worker', 'batch', 'edge', 'search', 'etl'];

function logUniform(random: Random, lo: number, hi: number): number {
  return Math.exp(random.uniform(Math.log(lo), Math.log(hi)));
}

function fill(times: Float64Array, f: (t: number, i: number) => number): Float64Array {
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = f(times[i]!, i);
  return out;
}

function rhythmOf(random: Random, times: Float64Array): Rhythm {
  return drawRhythm(random, times[0]!, times[times.length - 1]!);
}

/** Slow growth over the series, as a factor (traffic and data grow by a few % a week). */
function growth(random: Random, times: Float64Array): (t: number) => number {
  const perWeek = random.uniform(-0.03, 0.08);
  const t0 = times[0]!;
  return (t) => 1 + (perWeek * (t - t0)) / (7 * 86_400_000);
}

function latency(random: Random, times: Float64Array, id: string): MetricModel {
  const service = random.pick(SERVICES);
  const stat = random.pick(['p50', 'mean', 'p95', 'p99']);
  const rhythm = rhythmOf(random, times);
  const base = logUniform(random, 4, 400);
  const loadSensitivity = random.uniform(0, 0.7);
  const wide = stat === 'p95' || stat === 'p99';
  return {
    name: `${service}_${stat}_latency_ms_${id}`,
    scale: 'log',
    level: fill(times, (t) => base * (1 + loadSensitivity * loadAt(rhythm, t) ** 2)),
    sigma: wide ? random.uniform(0.1, 0.28) : random.uniform(0.04, 0.14),
    ar: random.uniform(0.2, 0.7),
    tail: { p: random.uniform(0.002, 0.012), alpha: wide ? random.uniform(1.6, 2.6) : random.uniform(2.2, 3.5) },
    min: 0,
    max: Number.POSITIVE_INFINITY,
    decimals: base < 20 ? 2 : 1,
    badDirection: 1,
    kinds: [
      ['levelShift', 3],
      ['varianceChange', 2],
      ['spike', 2],
      ['trendBreak', 1.5],
      ['dropout', 0.5],
      ['stuck', 0.5],
    ],
  };
}

function requests(random: Random, times: Float64Array, id: string): MetricModel {
  const service = random.pick(SERVICES);
  const rhythm = rhythmOf(random, times);
  const trend = growth(random, times);
  const perSecond = random.chance(0.5);
  const base = logUniform(random, 3, 30_000);
  // Below a few dozen per row, requests are visibly whole counts.
  const counted = base < 40;
  return {
    name: `${service}_requests_per_${perSecond ? 'second' : 'interval'}_${id}`,
    scale: counted ? 'count' : 'log',
    level: fill(times, (t) => base * loadAt(rhythm, t) * trend(t)),
    sigma: counted ? 0 : random.uniform(0.02, 0.09),
    ar: random.uniform(0.1, 0.6),
    tail: random.chance(0.5) ? { p: random.uniform(0.001, 0.005), alpha: random.uniform(2.5, 4) } : undefined,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    decimals: counted || base > 1000 ? 0 : 1,
    badDirection: -1,
    kinds: [
      ['levelShift', 3],
      ['dropout', 2],
      ['spike', 1.5],
      ['trendBreak', 1],
      ['stuck', 1],
      ['varianceChange', 0.5],
    ],
  };
}

function errors(random: Random, times: Float64Array, id: string): MetricModel {
  const service = random.pick(SERVICES);
  const rhythm = rhythmOf(random, times);
  const asRatio = random.chance(0.4);
  const requestsPerRow = logUniform(random, 50, 20_000);
  const errorRatio = logUniform(random, 0.00002, 0.004);
  const perRequests = fill(times, (t) => Math.max(1, requestsPerRow * loadAt(rhythm, t)));
  return {
    name: asRatio ? `${service}_5xx_percent_${id}` : `${service}_errors_${id}`,
    scale: 'count',
    level: fill(times, (_, i) => perRequests[i]! * errorRatio),
    sigma: 0,
    ar: 0,
    tail: { p: random.uniform(0.0005, 0.003), alpha: random.uniform(1.5, 2.5) },
    perRequests: asRatio ? perRequests : undefined,
    min: 0,
    max: Number.POSITIVE_INFINITY,
    decimals: asRatio ? 4 : 0,
    badDirection: 1,
    kinds: [
      ['levelShift', 3],
      ['spike', 3],
      ['trendBreak', 1],
      ['varianceChange', 1],
    ],
  };
}

function cpu(random: Random, times: Float64Array, id: string): MetricModel {
  const host = random.pick(HOSTS);
  const rhythm = rhythmOf(random, times);
  const base = random.uniform(2, 35);
  const amplitude = random.chance(0.2) ? 0 : random.uniform(5, 45);
  const job = random.chance(0.5)
    ? { hour: random.uniform(0, 24), hours: random.uniform(0.15, 0.75), extra: random.uniform(10, 45) }
    : undefined;
  return {
    name: `${host}_${random.int(1, 40)}_cpu_percent_${id}`,
    scale: 'linear',
    level: fill(times, (t) => {
      let v = base + amplitude * loadAt(rhythm, t);
      if (job) {
        const since = (hourOfDay(t) - job.hour + 24) % 24;
        if (since < job.hours) v += job.extra;
      }
      return v;
    }),
    sigma: random.uniform(0.6, 4),
    ar: random.uniform(0.3, 0.85),
    tail: random.chance(0.5) ? { p: random.uniform(0.001, 0.006), alpha: random.uniform(1.8, 3) } : undefined,
    min: 0,
    max: 100,
    decimals: random.chance(0.5) ? 1 : 3,
    badDirection: 1,
    kinds: [
      ['levelShift', 3],
      ['spike', 1.5],
      ['trendBreak', 1.5],
      ['stuck', 1],
      ['varianceChange', 1],
      ['dropout', 0.5],
    ],
  };
}

function memory(random: Random, times: Float64Array, id: string): MetricModel {
  const host = random.pick(HOSTS);
  const base = random.uniform(25, 70);
  const t0 = times[0]!;
  // Either a garbage-collected heap (a saw of a few hours) or a process that grows until a nightly restart.
  const sawHours = random.chance(0.5) ? random.uniform(1, 6) : 24;
  const sawPhase = random.uniform(0, sawHours);
  const sawHeight = sawHours < 24 ? random.uniform(1.5, 8) : random.uniform(3, 12);
  return {
    name: `${host}_${random.int(1, 40)}_memory_used_percent_${id}`,
    scale: 'linear',
    level: fill(times, (t) => {
      const hours = (t - t0) / 3_600_000 + sawPhase;
      return base + sawHeight * ((hours % sawHours) / sawHours);
    }),
    sigma: random.uniform(0.1, 0.8),
    ar: random.uniform(0.6, 0.95),
    min: 0,
    max: 100,
    decimals: 2,
    badDirection: 1,
    kinds: [
      ['trendBreak', 3],
      ['levelShift', 2],
      ['stuck', 1],
      ['dropout', 1],
      ['varianceChange', 0.5],
    ],
  };
}

function disk(random: Random, times: Float64Array, id: string): MetricModel {
  const host = random.pick(HOSTS);
  const t0 = times[0]!;
  if (random.chance(0.5)) {
    const base = random.uniform(15, 70);
    const perDay = random.uniform(0.05, 0.6);
    const rotateHour = random.uniform(0, 24);
    return {
      name: `${host}_${random.int(1, 40)}_disk_used_percent_${id}`,
      scale: 'linear',
      // Logs grow through the day and rotation frees most of a day's growth at one hour.
      level: fill(times, (t) => {
        const days = (t - t0) / 86_400_000;
        const sinceRotation = ((hourOfDay(t) - rotateHour + 24) % 24) / 24;
        return base + 0.15 * perDay * days + 0.85 * perDay * sinceRotation;
      }),
      sigma: random.uniform(0.02, 0.2),
      ar: random.uniform(0.7, 0.95),
      min: 0,
      max: 100,
      decimals: 2,
      badDirection: 1,
      kinds: [
        ['trendBreak', 3],
        ['levelShift', 2],
        ['stuck', 1],
      ],
    };
  }
  const rhythm = rhythmOf(random, times);
  const base = logUniform(random, 50, 50_000);
  const backupHour = random.uniform(0, 24);
  const backup = random.chance(0.5) ? random.uniform(2, 8) : 1;
  return {
    name: `${host}_${random.int(1, 40)}_disk_write_kbps_${id}`,
    scale: 'log',
    level: fill(times, (t) => {
      const since = (hourOfDay(t) - backupHour + 24) % 24;
      return base * (0.3 + loadAt(rhythm, t)) * (since < 0.5 ? backup : 1);
    }),
    sigma: random.uniform(0.15, 0.5),
    ar: random.uniform(0.1, 0.5),
    tail: { p: random.uniform(0.002, 0.01), alpha: random.uniform(1.5, 2.5) },
    min: 0,
    max: Number.POSITIVE_INFINITY,
    decimals: 1,
    badDirection: 1,
    kinds: [
      ['levelShift', 2],
      ['spike', 2],
      ['varianceChange', 1],
      ['dropout', 1],
      ['trendBreak', 1],
    ],
  };
}

/** Draws one metric of a category over the given row timestamps. */
export function drawMetric(random: Random, category: Category, times: Float64Array, id: string): MetricModel {
  switch (category) {
    case 'serviceLatency':
      return latency(random, times, id);
    case 'serviceRequests':
      return requests(random, times, id);
    case 'serviceErrors':
      return errors(random, times, id);
    case 'hostCpu':
      return cpu(random, times, id);
    case 'hostMemory':
      return memory(random, times, id);
    case 'hostDisk':
      return disk(random, times, id);
  }
}
