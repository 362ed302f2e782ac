import { createLikelihood, type LikelihoodState, updateLikelihood } from './likelihood.js';

/**
 * Surprise of each value given a short-term forecast (an exponentially
 * weighted mean): the absolute error in units of its own typical size, fed to
 * the likelihood so the score is a calibrated rarity. Catches spikes, dips and
 * sudden changes in noise that stay inside the historical range.
 */
export interface ResidualConfig {
  /** Smoothing of the forecast (0..1, larger follows faster). */
  alpha: number;
  /** Smoothing of the typical error size. */
  errorAlpha: number;
}

/** Everything the residual component remembers. */
export interface ResidualState {
  config: ResidualConfig;
  level: number | null;
  typicalError: number;
  likelihood: LikelihoodState;
  /** The last standardised error, for explanations. */
  z: number;
  forecast: number;
}

/** Defaults tuned once on the whole NAB corpus. */
export const residualDefaults: ResidualConfig = { alpha: 0.3, errorAlpha: 0.01 };

/** Creates an empty component. */
export function createResidual(config: Partial<ResidualConfig> = {}): ResidualState {
  return {
    config: { ...residualDefaults, ...config },
    level: null,
    typicalError: 0,
    likelihood: createLikelihood(),
    z: 0,
    forecast: 0,
  };
}

/** Scores one value against the forecast, then learns from it. */
export function updateResidual(s: ResidualState, value: number): number {
  if (s.level === null) {
    s.level = value;
    return 0;
  }
  const error = value - s.level;
  const scale = s.typicalError > 0 ? s.typicalError : Math.abs(error) || 1;
  const z = error / scale;
  const az = Math.min(Math.abs(z), 1e6);
  s.z = z;
  s.forecast = s.level;
  const raw = az / (az + 3);
  const { score } = updateLikelihood(s.likelihood, raw);
  s.typicalError += s.config.errorAlpha * (Math.abs(error) - s.typicalError);
  s.level += s.config.alpha * error;
  return score;
}
