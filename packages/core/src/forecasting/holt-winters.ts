import type { PointMethod } from './types.js';

/** The smoothing parameters of additive Holt-Winters (ETS with additive errors and season). */
export interface HoltWintersParams {
  /** Level smoothing, 0..1. */
  alpha: number;
  /** Trend smoothing, 0..1; 0 with phi 0 means no trend. */
  beta: number;
  /** Season smoothing, 0..1. */
  gamma: number;
  /** Trend damping, 0..1 (1 is Holt's linear trend, 0 removes the trend). */
  phi: number;
}

/** A fitted additive Holt-Winters model: its parameters, final state and in-sample one-step error. */
export interface HoltWintersFit {
  params: HoltWintersParams;
  period: number;
  level: number;
  trend: number;
  /** The season, indexed by phase relative to the step after the last value. */
  season: number[];
  /** Mean absolute one-step-ahead error over the fitted values (after the first season). */
  mae: number;
}

/**
 * Runs additive Holt-Winters in error-correction form over `values` with fixed parameters.
 * A period of 1 means no season. The first one or two seasons initialise the state.
 */
export function runHoltWinters(values: ArrayLike<number>, period: number, params: HoltWintersParams): HoltWintersFit {
  const n = values.length;
  const m = Math.max(1, period);
  const { alpha, beta, gamma, phi } = params;
  const first = meanOf(values, 0, Math.min(m, n));
  const second = n >= 2 * m ? meanOf(values, m, 2 * m) : first;
  let level = first;
  let trend = phi > 0 && m > 1 ? (second - first) / m : 0;
  const season = new Array<number>(m).fill(0);
  if (m > 1) for (let i = 0; i < m && i < n; i++) season[i] = values[i]! - first;
  let absError = 0;
  let counted = 0;
  for (let t = m; t < n; t++) {
    const slot = t % m;
    const s = season[slot]!;
    const error = values[t]! - (level + phi * trend + s);
    absError += Math.abs(error);
    counted++;
    const previousLevel = level;
    level = previousLevel + phi * trend + alpha * error;
    trend = phi * trend + beta * error;
    season[slot] = s + gamma * error;
  }
  const rotated = season.map((_, h) => season[(n + h) % m]!);
  return { params, period: m, level, trend, season: rotated, mae: counted > 0 ? absError / counted : 0 };
}

/** Forecasts `horizon` steps from a fitted model. */
export function holtWintersForecast(fit: HoltWintersFit, horizon: number): number[] {
  const out = new Array<number>(horizon);
  let damped = 0;
  let power = 1;
  for (let h = 0; h < horizon; h++) {
    power *= fit.params.phi;
    damped += power;
    out[h] = fit.level + damped * fit.trend + fit.season[h % fit.period]!;
  }
  return out;
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 0.95];
const GAMMAS = [0, 0.02, 0.05, 0.1, 0.2, 0.35];
const TRENDS: Array<Pick<HoltWintersParams, 'beta' | 'phi'>> = [
  { beta: 0, phi: 0 },
  { beta: 0.01, phi: 0.9 },
  { beta: 0.05, phi: 0.9 },
  { beta: 0.01, phi: 0.98 },
];

/**
 * Fits additive Holt-Winters by searching a grid of parameters for the smallest in-sample
 * one-step error (a grid rather than a gradient optimiser: the error surface of these models
 * is flat and bumpy, and a fixed grid keeps the fit deterministic and cheap).
 */
export function fitHoltWinters(values: ArrayLike<number>, period: number, trend = true): HoltWintersFit {
  let best: HoltWintersFit | undefined;
  for (const alpha of ALPHAS) {
    for (const gamma of period > 1 ? GAMMAS : [0]) {
      if (gamma > 1 - alpha) continue;
      for (const t of trend ? TRENDS : TRENDS.slice(0, 1)) {
        const fit = runHoltWinters(values, period, { alpha, gamma, ...t });
        if (best === undefined || fit.mae < best.mae) best = fit;
      }
    }
  }
  return best!;
}

/**
 * Holt-Winters with a season of `periodMs` (or none when 0), fitted on at most `maxCycles`
 * seasons of history, as a selectable method.
 */
export function holtWintersMethod(name: string, periodMs: number, maxCycles = 4, trend = true): PointMethod {
  const periodOf = (stepMs: number) => (periodMs > 0 ? Math.max(1, Math.round(periodMs / stepMs)) : 1);
  return {
    name,
    minHistory: (o) => 2 * Math.max(periodOf(o.stepMs), o.horizon),
    predict(values, o) {
      const period = periodOf(o.stepMs);
      const keep = Math.max(maxCycles * period, 4 * o.horizon);
      const start = Math.max(0, values.length - keep);
      const window = Array.prototype.slice.call(values, start) as number[];
      return holtWintersForecast(fitHoltWinters(window, period, trend), o.horizon);
    },
  };
}

function meanOf(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return to > from ? sum / (to - from) : 0;
}
