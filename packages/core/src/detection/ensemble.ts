import { describeChange } from './bocpd.js';
import { type ChangePointConfig, type ChangePointState, createChangePoint, updateChangePoint } from './changepoint.js';
import {
  createDensityNovelty,
  type DensityNoveltyConfig,
  type DensityNoveltyState,
  updateDensityNovelty,
} from './density-novelty.js';
import { cloneState, formatValue, rejectInput } from './input.js';
import { describePattern } from './knn-conformal.js';
import { createKnnNovelty, type KnnNoveltyConfig, type KnnNoveltyState, updateKnnNovelty } from './knn-novelty.js';
import {
  createRangeNovelty,
  type RangeNoveltyConfig,
  type RangeNoveltyState,
  updateRangeNovelty,
} from './range-novelty.js';
import { createResidual, type ResidualConfig, type ResidualState, updateResidual } from './residual.js';
import {
  createSeasonalNovelty,
  describeSlot,
  type SeasonalNoveltyConfig,
  type SeasonalNoveltyState,
  updateSeasonalNovelty,
  upgradeSeasonalNovelty,
} from './seasonal-novelty.js';
import type { DetectionResult, Detector, DetectorFactory } from './types.js';

/** A component's own settings plus the weight its score carries in the ensemble (0 = switched off). */
export type Weighted<C> = Partial<C> & { weight: number };

/** Settings of the ensemble: one block per component plus how alarms repeat. */
export interface EnsembleConfig {
  /** Values outside the range seen recently. */
  range: Weighted<RangeNoveltyConfig>;
  /** Values inside the range but where the metric rarely goes. */
  density: Weighted<DensityNoveltyConfig>;
  /** Each hour of the day against the same hour on the last days (seasonality breaks). */
  seasonal: Weighted<SeasonalNoveltyConfig>;
  /** Each few hours of the week against the same time on the last weeks (holidays, a weekday gone quiet). */
  weekly: Weighted<SeasonalNoveltyConfig>;
  /** A new regime (level or noise moved and stayed), by Bayesian online change-point detection. */
  changepoint: Weighted<ChangePointConfig>;
  /** Surprise against a short-term forecast (off by default: on NAB it adds more false alarms than finds). */
  residual: Weighted<ResidualConfig>;
  /** Pattern novelty at several time scales, so hour-long shapes and day-long ones are both judged. */
  patterns: Weighted<KnnNoveltyConfig>[];
  /** Per-point decay of the remembered peak score (closer to 1 = longer memory of an alarm). */
  peakDecay: number;
  /** Factor applied to scores that do not beat the remembered peak. */
  refractoryDamping: number;
  /** How much a score must beat the remembered peak by to count as a new alarm (1 = any excess). */
  repeatMargin: number;
  /** Per-point decay of a second, short memory of each kind's peak (the event still unfolding). */
  burstDecay: number;
  /** How much a score must beat that short-memory peak by to count as a new alarm. */
  burstMargin: number;
}

/** Everything the ensemble remembers. */
export interface EnsembleState {
  config: EnsembleConfig;
  lastTimestamp: number | null;
  range: RangeNoveltyState;
  density: DensityNoveltyState;
  residual: ResidualState;
  changepoint: ChangePointState;
  seasonal: SeasonalNoveltyState;
  weekly: SeasonalNoveltyState;
  patterns: KnnNoveltyState[];
  /** Decaying peak of pattern (and residual) scores. */
  peak: number;
  /** Decaying peak of range scores. */
  rangePeak: number;
  /** Fast-decaying peak of pattern (and residual, seasonal) scores. */
  burst: number;
  /** Fast-decaying peak of range scores. */
  rangeBurst: number;
}

const defaults: EnsembleConfig = {
  range: { weight: 1 },
  // A rarely visited value is weaker evidence than one outside the range: at 70 % its score passes
  // the other components' usual alarm level only well beyond the rarest values of recent weeks.
  density: { weight: 0.7 },
  residual: { weight: 0 },
  // A level or noise regime left for a new one, which range and pattern novelty miss when the new level
  // lies inside the metric's range. Routine changes (a daily job, a log rotation, a nightly restart) are
  // damped by the last 16 changes it remembers: twice a day for a week. See README "Change-point detection".
  changepoint: { weight: 1, remember: 16 },
  // A same-hour comparison over a few days is noisier evidence than range or pattern novelty, so its
  // scores count at 90 %: a slot must go beyond the usual quantile to alarm (at 1 near-misses alarm too).
  seasonal: { weight: 0.9 },
  // A holiday looks like a weekend day, so against the last seven days every hour of it is ordinary; only
  // the same weekday on past weeks shows it. Slots are 3 hours so a metric sampled every 30 minutes still
  // fills one (6 points), each seen through windows ending every hour; four weeks are kept, and slots are
  // judged only after two weeks of them, so a metric needs about a month before this component speaks.
  // At 80 % (60–90 % measure the same on NAB) a slot must clearly beat its usual distance.
  weekly: {
    weight: 0.8,
    period: 7 * 86_400_000,
    slots: 56,
    hops: 3,
    seasons: 4,
    minSeasons: 2,
    calibration: 224,
    learningPeriod: 112,
  },
  patterns: [
    { weight: 1, step: 10, dim: 5 },
    { weight: 1, step: 30, dim: 4, calibrateAfter: 7 },
  ],
  peakDecay: 0.998,
  refractoryDamping: 0.5,
  repeatMargin: 1.08,
  // An event still unfolding (within about a dozen points of its last alarm) was already announced:
  // a score that only creeps up on it is no news, each extra point above threshold a false positive.
  burstDecay: 0.95,
  burstMargin: 1.5,
};

function merge(config: Partial<EnsembleConfig> | undefined): EnsembleConfig {
  const c = config ?? {};
  return {
    ...defaults,
    ...c,
    range: { ...defaults.range, ...c.range },
    density: { ...defaults.density, ...c.density },
    residual: { ...defaults.residual, ...c.residual },
    changepoint: { ...defaults.changepoint, ...c.changepoint },
    seasonal: { ...defaults.seasonal, ...c.seasonal },
    weekly: { ...defaults.weekly, ...c.weekly },
    patterns: (c.patterns ?? defaults.patterns).map((p) => ({ ...p })),
  };
}

/**
 * Nearly every point is normal and nearly no caller reads why, so the sentence is only
 * formatted when read (formatting the value took about a seventh of the time per point in a
 * profile of the NAB run).
 * `toJSON` keeps it in serialised results.
 */
class NormalResult implements DetectionResult {
  constructor(
    readonly score: number,
    private readonly value: number,
  ) {}

  get explanation(): string {
    return `normal: ${formatValue(this.value)} fits the learned behaviour`;
  }

  toJSON(): DetectionResult {
    return { score: this.score, explanation: this.explanation };
  }
}

function during(s: SeasonalNoveltyState): string {
  const slot = describeSlot(s);
  return slot ? ` for ${slot}` : '';
}

function slotHours(s: SeasonalNoveltyState): string {
  return formatValue(s.config.period / s.config.slots / 3_600_000);
}

class Ensemble implements Detector<EnsembleState> {
  constructor(private readonly state: EnsembleState) {}

  update(timestamp: number, value: number): DetectionResult {
    const s = this.state;
    const rejected = rejectInput(s.lastTimestamp, timestamp, value);
    if (rejected) return rejected;
    s.lastTimestamp = timestamp;
    const c = s.config;
    const learnedMin = s.range.min;
    const learnedMax = s.range.max;
    const range = updateRangeNovelty(s.range, value) * c.range.weight;
    const density = c.density.weight > 0 ? updateDensityNovelty(s.density, value) * c.density.weight : 0;
    const residual = c.residual.weight > 0 ? updateResidual(s.residual, value) * c.residual.weight : 0;
    const change = c.changepoint.weight > 0 ? updateChangePoint(s.changepoint, value) * c.changepoint.weight : 0;
    const seasonalDaily =
      c.seasonal.weight > 0 ? updateSeasonalNovelty(s.seasonal, timestamp, value) * c.seasonal.weight : 0;
    const weekly = c.weekly.weight > 0 ? updateSeasonalNovelty(s.weekly, timestamp, value) * c.weekly.weight : 0;
    const seasonal = Math.max(seasonalDaily, weekly);
    let pattern = 0;
    let patternIndex = 0;
    for (let i = 0; i < s.patterns.length; i++) {
      const p = updateKnnNovelty(s.patterns[i]!, value) * c.patterns[i]!.weight;
      if (p > pattern) {
        pattern = p;
        patternIndex = i;
      }
    }
    const raw = Math.min(1, Math.max(range, residual, pattern, seasonal, density, change));
    // Only a new high within the recent past is news: repeats of an alarm are damped, so one event
    // raises one alarm instead of a run of them (each extra point above threshold is a false positive).
    // Range and pattern alarms are tracked apart: a pattern alarm must not silence the first value
    // outside the range, which is a different kind of news. A rarely visited value goes with the
    // patterns: it is usually the same event as the new shape it makes. Each kind has two memories:
    // a slow one (a new high within the recent past) and a fast one that asks more of a score
    // arriving while the last alarm's event is still unfolding.
    const other = Math.max(pattern, residual, seasonal, density, change);
    const repeat =
      (range <= s.rangePeak * c.repeatMargin || range <= s.rangeBurst * c.burstMargin) &&
      (other <= s.peak * c.repeatMargin || other <= s.burst * c.burstMargin);
    s.burst = Math.max(other, s.burst * c.burstDecay);
    s.rangeBurst = Math.max(range, s.rangeBurst * c.burstDecay);
    const score = repeat ? raw * c.refractoryDamping : raw;
    s.rangePeak = Math.max(range, s.rangePeak * c.peakDecay);
    s.peak = Math.max(other, s.peak * c.peakDecay);
    if (raw < 0.1) return new NormalResult(score, value);
    let explanation: string;
    if (change > Math.max(range, seasonal, residual, pattern, density)) {
      explanation = describeChange(s.changepoint);
    } else if (density > Math.max(range, seasonal, residual, pattern)) {
      explanation = `value ${formatValue(value)} where the metric rarely goes (${s.density.neighbours} recent values near it, usually ${s.density.typicalNeighbours})`;
    } else if (seasonal > range && seasonal > residual && seasonal > pattern && weekly > seasonalDaily) {
      explanation = `${slotHours(s.weekly)}-hour average ${formatValue(s.weekly.mean)}${during(s.weekly)} unlike this time of the week on recent weeks (nearest ${formatValue(s.weekly.nearest)})`;
    } else if (seasonal > range && seasonal > residual && seasonal > pattern) {
      const hourly = slotHours(s.seasonal) === '1';
      const average = hourly ? 'hourly average' : `${slotHours(s.seasonal)}-hour average`;
      const when = hourly ? 'this hour' : 'this time of day';
      explanation = `${average} ${formatValue(s.seasonal.mean)}${during(s.seasonal)} unlike ${when} on recent days (nearest ${formatValue(s.seasonal.nearest)})`;
    } else if (range >= residual && range >= pattern) {
      explanation = `value ${formatValue(value)} outside its learned range ${formatValue(learnedMin)}–${formatValue(learnedMax)}`;
    } else if (residual >= pattern) {
      const side = s.residual.z >= 0 ? 'above' : 'below';
      explanation = `${Math.abs(s.residual.z).toFixed(1)}× the usual deviation ${side} the recent level ${formatValue(s.residual.forecast)}`;
    } else {
      explanation = describePattern(s.patterns[patternIndex]!);
    }
    if (score < raw) explanation += ' (repeat of a recent alarm, damped)';
    return { score, explanation };
  }

  snapshot(): EnsembleState {
    return cloneState(this.state);
  }

  serialize(encode: (state: EnsembleState) => string = JSON.stringify): string {
    return encode(this.state);
  }
}

/**
 * Aurora's default detector: range, density, multi-scale k-NN pattern, daily
 * and weekly seasonal novelty, each calibrated to [0, 1] on its own history, combined by
 * maximum, with repeats of an alarm damped so one event raises one alarm.
 */
export const ensembleFactory: DetectorFactory<EnsembleConfig, EnsembleState> = {
  name: 'aurora-ensemble',
  description:
    'max of calibrated range, density, multi-scale k-NN pattern, daily and weekly seasonal novelty and change points, with alarm damping',
  defaults,
  create(config) {
    const c = merge(config);
    return new Ensemble({
      config: c,
      lastTimestamp: null,
      range: createRangeNovelty(c.range),
      density: createDensityNovelty(c.density),
      residual: createResidual(c.residual),
      changepoint: createChangePoint(c.changepoint),
      seasonal: createSeasonalNovelty(c.seasonal),
      weekly: createSeasonalNovelty(c.weekly),
      patterns: c.patterns.map((p) => createKnnNovelty(p)),
      peak: 0,
      rangePeak: 0,
      burst: 0,
      rangeBurst: 0,
    });
  },
  restore(state) {
    const s = cloneState(state);
    // Snapshots taken before weekly novelty existed resume with it starting to learn.
    if (!s.weekly) {
      s.config = { ...s.config, weekly: { ...defaults.weekly } };
      s.weekly = createSeasonalNovelty(s.config.weekly);
    }
    // Snapshots made while change-point detection was off by default (or did not exist yet; the
    // control plane never overrides defaults) resume with today's default, its state learning afresh.
    if (!s.changepoint || s.config.changepoint?.remember === undefined) {
      s.config = { ...s.config, changepoint: { ...defaults.changepoint } };
      s.changepoint = createChangePoint(s.config.changepoint);
    }
    upgradeSeasonalNovelty(s.seasonal);
    upgradeSeasonalNovelty(s.weekly);
    return new Ensemble(s);
  },
};
