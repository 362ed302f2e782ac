import type { AnomalyKind, MetricModel } from './metrics.js';
import type { Random } from './random.js';

/** One injected anomaly: what, where it starts (the labelled point) and where its effect ends. */
export interface InjectedAnomaly {
  kind: AnomalyKind;
  /** Row of the onset: the point a labeller marks, and the centre of its NAB window. */
  onset: number;
  /** Last row the anomaly changes (the file's last row for a change that persists). */
  end: number;
  /** What it did, in the metric's terms (e.g. "level ×1.8", "+12.5", "noise ×3.2"). */
  effect: string;
  /** The change in the metric's own scale (log units for log and count metrics, units otherwise). */
  size: number;
  /** For a trend break: rows from the onset to the end of the ramp. */
  ramp?: number;
}

const HOUR = 3600;

function rowsFor(hours: number, intervalSeconds: number): number {
  return Math.max(1, Math.round((hours * HOUR) / intervalSeconds));
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * A change that a person looking at the chart would call a change: several noise deviations
 * and, for metrics whose noise is tiny next to their level, a visible share of the level.
 * Spikes are larger and shorter. Ratios are capped (a level ×3.3, a spike ×10) so a noisy
 * latency does not get absurd changes.
 */
function changeSize(random: Random, model: MetricModel, spike: boolean): number {
  const m = spike ? random.uniform(8, 14) : random.uniform(3, 8);
  switch (model.scale) {
    case 'log': {
      // A spike must stand above the metric's own benign excursions (at most ×TAIL_CAP).
      if (spike) return Math.max(Math.min(m * model.sigma, Math.log(10)), random.uniform(Math.log(4), Math.log(10)));
      return Math.min(Math.max(m * model.sigma, random.uniform(0.2, 0.8)), 1.2);
    }
    case 'linear': {
      const share = spike ? random.uniform(0.15, 0.5) : random.uniform(0.08, 0.3);
      return Math.max(m * model.sigma, share * Math.max(5, mean(model.level)));
    }
    case 'count':
      return spike ? random.uniform(2, 4) : random.uniform(1, 3);
  }
}

function direction(random: Random, model: MetricModel, spike = false): 1 | -1 {
  // A drop of near-zero errors is invisible, and a spike goes the way trouble goes.
  if (model.scale === 'count') return 1;
  if (spike) return model.badDirection;
  return random.chance(0.8) ? model.badDirection : (-model.badDirection as 1 | -1);
}

function describe(model: MetricModel, size: number): string {
  if (model.scale === 'linear') return `${size >= 0 ? '+' : ''}${size.toFixed(2)}`;
  return `level ×${Math.exp(size).toFixed(2)}`;
}

/** Draws the anomaly of `kind` starting at `onset`, lasting at most until row `limit`. */
function drawAnomaly(
  random: Random,
  model: MetricModel,
  kind: AnomalyKind,
  onset: number,
  limit: number,
  intervalSeconds: number,
): InjectedAnomaly {
  const last = (rows: number) => Math.min(limit, onset + rows - 1);
  switch (kind) {
    case 'levelShift': {
      const size = direction(random, model) * changeSize(random, model, false);
      const end = random.chance(0.6) ? limit : last(rowsFor(random.uniform(1, 48), intervalSeconds));
      return { kind, onset, end, size, effect: describe(model, size) };
    }
    case 'trendBreak': {
      const size = direction(random, model) * changeSize(random, model, false) * random.uniform(1.3, 2.2);
      const ramp = Math.max(2, Math.min(limit - onset + 1, rowsFor(random.uniform(2, 48), intervalSeconds)));
      // A leak either runs on or is cut short by a restart when the ramp ends.
      const end = random.chance(0.6) ? limit : onset + ramp - 1;
      return { kind, onset, end, size, ramp, effect: `ramp to ${describe(model, size)}` };
    }
    case 'varianceChange': {
      const size = random.uniform(2.5, 5);
      return {
        kind,
        onset,
        end: last(rowsFor(random.uniform(1, 12), intervalSeconds)),
        size,
        effect: `noise ×${size.toFixed(1)}`,
      };
    }
    case 'spike': {
      const size = direction(random, model, true) * changeSize(random, model, true);
      return { kind, onset, end: last(random.int(1, 5)), size, effect: `spike ${describe(model, size)}` };
    }
    case 'stuck':
      return { kind, onset, end: last(rowsFor(random.uniform(0.5, 8), intervalSeconds)), size: 0, effect: 'stuck' };
    case 'dropout':
      return {
        kind,
        onset,
        end: last(rowsFor(random.uniform(1 / 6, 4), intervalSeconds)),
        size: 0,
        effect: 'reads 0',
      };
  }
}

/**
 * Places `count` anomalies in a series of `rows` rows: onsets spread over the part after
 * NAB's probationary period, each NAB window (`windowRows` wide) clear of the others, and
 * each temporary effect over before the next onset.
 */
export function planAnomalies(
  random: Random,
  model: MetricModel,
  rows: number,
  count: number,
  intervalSeconds: number,
): InjectedAnomaly[] {
  if (count === 0) return [];
  const windowRows = Math.floor((0.1 * rows) / count);
  const lo = Math.ceil(0.2 * rows);
  const hi = rows - 1 - Math.max(5, Math.floor(windowRows / 4));
  const segment = (hi - lo) / count;
  const onsets: number[] = [];
  for (let j = 0; j < count; j++) {
    const from = Math.round(lo + j * segment + (j > 0 ? windowRows / 2 : 0));
    const to = Math.round(lo + (j + 1) * segment - windowRows / 2);
    onsets.push(random.int(from, Math.max(from, to)));
  }
  const weights = model.kinds.map(([, w]) => w);
  const kinds = model.kinds.map(([k]) => k);
  return onsets.map((onset, j) => {
    const limit = j + 1 < onsets.length ? onsets[j + 1]! - 1 : rows - 1;
    return drawAnomaly(random, model, random.pick(kinds, weights), onset, limit, intervalSeconds);
  });
}

/** Per-row effects of the anomalies on a model, applied while rendering. */
interface Effects {
  shift: Float64Array;
  noise: Float64Array;
}

function effectsOf(anomalies: readonly InjectedAnomaly[], rows: number): Effects {
  const shift = new Float64Array(rows);
  const noise = new Float64Array(rows).fill(1);
  for (const a of anomalies) {
    for (let i = a.onset; i <= a.end; i++) {
      if (a.kind === 'levelShift' || a.kind === 'spike') shift[i]! += a.size;
      else if (a.kind === 'varianceChange') noise[i] = a.size;
      else if (a.kind === 'trendBreak') shift[i]! += a.size * Math.min(1, (i - a.onset + 1) / (a.ramp ?? 1));
    }
  }
  return { shift, noise };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** The largest benign excursion: ×3 the level for log metrics, 3 × 3 noise deviations otherwise. */
const TAIL_CAP = 3;

/**
 * One benign heavy-tail excursion, in the scale's own terms (a ratio for log metrics, noise
 * units otherwise), capped so that no routine excursion is larger than an injected spike.
 */
function tailExcursion(random: Random, model: MetricModel): number {
  const tail = model.tail;
  if (!tail || !random.chance(tail.p)) return 0;
  return Math.min(TAIL_CAP, random.pareto(tail.alpha));
}

/**
 * Renders the observed series: the model's level, autocorrelated noise, benign heavy-tail
 * excursions, and the anomalies (shifts, ramps and noise changes act before the noise is
 * drawn; stuck values and dropouts overwrite what the collector would have reported).
 */
export function renderSeries(random: Random, model: MetricModel, anomalies: readonly InjectedAnomaly[]): number[] {
  const rows = model.level.length;
  const { shift, noise } = effectsOf(anomalies, rows);
  const values = new Array<number>(rows);
  const innovation = Math.sqrt(1 - model.ar * model.ar);
  let z = random.normal();
  for (let i = 0; i < rows; i++) {
    z = model.ar * z + innovation * random.normal();
    const excursion = tailExcursion(random, model);
    let v: number;
    if (model.scale === 'log') {
      v = model.level[i]! * Math.exp(model.sigma * noise[i]! * z + shift[i]!) * (excursion > 0 ? excursion : 1);
    } else if (model.scale === 'linear') {
      v = model.level[i]! + model.sigma * (noise[i]! * z + (excursion > 0 ? 3 * excursion : 0)) + shift[i]!;
    } else {
      // Counts: a rate that a change multiplies (plus a floor of a few per row, so a burst shows even
      // on a metric that is nearly always 0); extra noise is a gamma-like spread of the rate itself.
      const spread = noise[i]! > 1 ? Math.exp(0.4 * noise[i]! * random.normal() - 0.08 * noise[i]! ** 2) : 1;
      const boost = shift[i]! > 0 ? Math.exp(shift[i]!) + 2 * shift[i]! : 1;
      const rate = model.level[i]! * boost * spread + (shift[i]! > 0 ? shift[i]! * 1.5 : 0);
      const count = random.poisson(rate) + (excursion > 0 ? Math.round(excursion) : 0);
      v = model.perRequests ? (100 * count) / model.perRequests[i]! : count;
    }
    values[i] = round(Math.min(model.max, Math.max(model.min, v)), model.decimals);
  }
  for (const a of anomalies) {
    if (a.kind === 'stuck') {
      const held = values[Math.max(0, a.onset - 1)]!;
      for (let i = a.onset; i <= a.end; i++) values[i] = held;
    } else if (a.kind === 'dropout') {
      for (let i = a.onset; i <= a.end; i++) values[i] = 0;
    }
  }
  return values;
}
