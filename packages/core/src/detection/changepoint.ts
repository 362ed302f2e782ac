/**
 * A change of regime: the metric's level or noise moved and stayed. Bayesian online
 * change-point detection (Adams & MacKay 2007): the metric is a run of regimes, each with its
 * own mean and variance (a Normal-Gamma model, so each regime predicts a Student-t), and
 * after every point the posterior over how long the current regime has lasted (the run
 * length) is updated. A deploy that doubles a latency, a failover that halves a request
 * rate, a collector that got stuck (the variance collapsed): each leaves the old regime for a
 * new one, which range and pattern novelty see late or not at all when the new level lies
 * inside the metric's range.
 *
 * The score is the posterior probability that a new regime began 1 to `recent − 1` points
 * ago (it must have outlived its first point, so a lone spike, range and density novelty's
 * business, is not a change), scaled down when the regime it left had lasted fewer than
 * `settled` points: a metric whose regimes come and go all day (a daily rhythm seen as a chain
 * of levels, a bursty count) is doing what it always does. A probability means the same on
 * every metric, so it is not calibrated further: calibrating a rare event against its own
 * history makes every one of them look maximally rare.
 *
 * Bounded and fast: at most `maxRuns` run-length hypotheses are kept (the least probable are
 * pruned), and each point costs one Student-t density per hypothesis.
 */
export interface ChangePointConfig {
  /** Prior probability per point that a new regime begins. */
  hazard: number;
  /** Run-length hypotheses kept at most. */
  maxRuns: number;
  /** Hypotheses whose posterior falls below this are dropped. */
  prune: number;
  /** A regime younger than this many points is a change still being confirmed. */
  recent: number;
  /** Values are clipped to the current regime's mean ± this many predictive deviations before learning. */
  clip: number;
  /**
   * Points the regime left behind must have lasted for a change to count fully (fewer count in
   * proportion): a metric that holds a level for hours and then leaves it has changed; one that
   * changes level every few dozen points is doing what it always does.
   */
  settled: number;
  /** Points to see before judging. */
  warmup: number;
  /**
   * Changes remembered to tell routine from news (0 = none): a change like one of these (same
   * direction, a step within a factor of two, from about the same level) is something the metric
   * does, such as a daily job, a log rotation or a nightly restart, and each such repeat halves its score.
   */
  remember: number;
}

/** Everything the change-point component remembers; one entry per hypothesis in each array. */
export interface ChangePointState {
  config: ChangePointConfig;
  seen: number;
  runs: number[];
  prob: number[];
  mean: number[];
  kappa: number[];
  alpha: number[];
  beta: number[];
  /** lgamma(alpha + 1/2) − lgamma(alpha), kept per hypothesis so no gamma function is evaluated per point. */
  lgc: number[];
  /** Smallest non-zero step between consecutive values: the metric's resolution, a floor on its noise. */
  quantum: number | null;
  last: number | null;
  /** Run length of the most probable regime at each of the last `recent` points, newest last. */
  mapRuns: number[];
  /** True from the point a young regime became the most probable until a settled one is again. */
  announced: boolean;
  /** The last judgement, for explanations: the settled regime's mean and the new one's. */
  evidence: number;
  before: number;
  after: number;
  /** The last `remember` changes announced, as [level before, level after, evidence] triples, oldest first. */
  history?: number[];
  /** How many remembered changes the last announced one repeated, each weighed by its evidence. */
  repeats?: number;
}

/** Defaults, each with a reason in the README (none is fitted to a benchmark file). */
export const changePointDefaults: ChangePointConfig = {
  hazard: 1 / 250,
  maxRuns: 32,
  prune: 1e-5,
  recent: 6,
  clip: 4,
  settled: 1000,
  warmup: 50,
  remember: 0,
};

const KAPPA0 = 0.05;
const LIMIT = 1e100;
const ALPHA0 = 1;
const LOG_PI = Math.log(Math.PI);
/** lgamma(1.5) − lgamma(1): the Student-t constant of a fresh regime (alpha = 1). */
const LGC0 = Math.log(Math.sqrt(Math.PI) / 2);

/** Creates an empty component. */
export function createChangePoint(config: Partial<ChangePointConfig> = {}): ChangePointState {
  const c = { ...changePointDefaults, ...config };
  return {
    config: c,
    seen: 0,
    runs: [],
    prob: [],
    mean: [],
    kappa: [],
    alpha: [],
    beta: [],
    lgc: [],
    quantum: null,
    last: null,
    mapRuns: [],
    announced: false,
    evidence: 0,
    before: 0,
    after: 0,
  };
}

/** Log density of the Student-t predictive of a Normal-Gamma posterior at x. */
function logPredictive(x: number, mean: number, kappa: number, alpha: number, beta: number, lgc: number): number {
  const scale2 = (beta * (kappa + 1)) / (alpha * kappa);
  const nu = 2 * alpha;
  const d = x - mean;
  return lgc - 0.5 * (Math.log(nu * scale2) + LOG_PI) - (alpha + 0.5) * Math.log1p((d * d) / (nu * scale2));
}

let scratchArray = new Float64Array(64);

/** A reusable buffer for per-point densities (never part of the state). */
function scratch(n: number): Float64Array {
  if (scratchArray.length < n) scratchArray = new Float64Array(n * 2);
  return scratchArray;
}

function mostProbable(s: ChangePointState): number {
  let best = 0;
  for (let i = 1; i < s.prob.length; i++) if (s.prob[i]! > s.prob[best]!) best = i;
  return best;
}

function noiseFloor(s: ChangePointState, value: number): number {
  const q = s.quantum ?? 0;
  // A metric's noise is never taken below its resolution, nor below a millionth of its level,
  // so a flat line does not make the next tiny wobble infinitely surprising.
  return Math.max((q * q) / 12, (1e-6 * Math.abs(value)) ** 2, 1e-300);
}

function learnQuantum(s: ChangePointState, value: number): void {
  if (s.last !== null) {
    const step = Math.abs(value - s.last);
    if (step > 0 && (s.quantum === null || step < s.quantum)) s.quantum = step;
  }
  s.last = value;
}

/**
 * Scores one value: 0 before warm-up; otherwise the probability that a settled regime ended
 * in the last few points. Then learns the value.
 */
export function updateChangePoint(s: ChangePointState, raw: number): number {
  const c = s.config;
  // Squares of values near the largest double overflow; beyond ±1e100 a value is astronomical
  // anyway, and clipping it there keeps every sum of squares finite.
  const value = Math.max(-LIMIT, Math.min(LIMIT, raw));
  learnQuantum(s, value);
  const floor = noiseFloor(s, value);
  if (s.runs.length === 0) {
    // The first regime's noise is unknown: a hundredth of the first value, and the data soon say.
    pushRegime(s, 1, ALPHA0 * Math.max(floor, (0.01 * value) ** 2), value, floor);
    s.seen++;
    return 0;
  }
  const m = mostProbable(s);
  const settledVariance = Math.max(s.beta[m]! / s.alpha[m]!, floor);
  const spread = Math.sqrt((s.beta[m]! * (s.kappa[m]! + 1)) / (s.alpha[m]! * s.kappa[m]!));
  // Clipping bounds what one wild value can teach a regime; a real change repeats and still wins.
  const x = Math.min(s.mean[m]! + c.clip * spread, Math.max(s.mean[m]! - c.clip * spread, value));
  const n = s.runs.length;
  // Densities are written into prob as logs first, then turned into posterior mass.
  const logs = scratch(n);
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    logs[i] = logPredictive(x, s.mean[i]!, s.kappa[i]!, s.alpha[i]!, s.beta[i]!, s.lgc[i]!);
    if (logs[i]! > top) top = logs[i]!;
  }
  // A new regime: its mean unknown (centred on the settled one, weakly), its noise like the settled one's.
  const beta0 = ALPHA0 * settledVariance;
  const logNew = logPredictive(x, s.mean[m]!, KAPPA0, ALPHA0, beta0, LGC0);
  if (logNew > top) top = logNew;
  let total = 0;
  for (let i = 0; i < n; i++) {
    s.prob[i] = s.prob[i]! * (1 - c.hazard) * Math.exp(logs[i]! - top);
    total += s.prob[i]!;
  }
  const fresh = c.hazard * Math.exp(logNew - top);
  total += fresh;
  for (let i = 0; i < n; i++) {
    s.prob[i] = s.prob[i]! / total;
    learnRegime(s, i, x, floor);
  }
  const settledMean = s.mean[m]!;
  pushRegime(s, fresh / total, beta0, x, floor, settledMean);
  prune(s);
  s.seen++;
  let evidence = 0;
  let young = -1;
  let old = -1;
  for (let i = 0; i < s.runs.length; i++) {
    if (s.runs[i]! >= 2 && s.runs[i]! <= c.recent) {
      evidence += s.prob[i]!;
      if (young < 0 || s.prob[i]! > s.prob[young]!) young = i;
    } else if (s.runs[i]! > c.recent && (old < 0 || s.prob[i]! > s.prob[old]!)) old = i;
  }
  // The regime left behind may already be pruned; the longest most-probable run of the last few
  // points is how long it had lasted.
  const settledFor = Math.max(0, ...s.mapRuns);
  evidence *= Math.min(1, settledFor / c.settled);
  const mapRun = s.runs[mostProbable(s)]!;
  s.mapRuns.push(mapRun);
  if (s.mapRuns.length > c.recent) s.mapRuns.shift();
  s.evidence = evidence;
  // One change, one judgement: the moment the new regime becomes the most probable one.
  const confirmed = mapRun >= 2 && mapRun <= c.recent;
  const first = confirmed && !s.announced;
  s.announced = confirmed || (s.announced && mapRun < 2);
  if (young >= 0) s.after = s.mean[young]!;
  if (old >= 0) s.before = s.mean[old]!;
  if (!first) return 0;
  // While the first regime is still being learned every point looks like a change.
  if (s.seen <= c.warmup) return 0;
  if (c.remember > 0) evidence *= 0.5 ** rememberChange(s, c.remember, evidence);
  return evidence;
}

/**
 * Weighs the remembered changes this one repeats, then remembers it. Levels are compared in
 * units of the step itself, so the test means the same on every metric: same direction, a step
 * between half and twice as large, starting within one step of where that one started. Each
 * repeat counts as much as its own change was believed, so the many faint changes of a restless
 * metric do not mute a real one.
 */
function rememberChange(s: ChangePointState, remember: number, evidence: number): number {
  s.history ??= [];
  const history = s.history;
  const step = s.after - s.before;
  let repeats = 0;
  for (let i = 0; i + 2 < history.length; i += 3) {
    const ratio = step / (history[i + 1]! - history[i]!);
    if (ratio >= 0.5 && ratio <= 2 && Math.abs(s.before - history[i]!) <= Math.abs(step)) repeats += history[i + 2]!;
  }
  history.push(s.before, s.after, evidence);
  if (history.length > 3 * remember) history.splice(0, history.length - 3 * remember);
  s.repeats = repeats;
  return repeats;
}

/** Adds a regime that began with this point (prior centred on `centre`), holding probability p. */
function pushRegime(s: ChangePointState, p: number, beta0: number, x: number, floor: number, centre = x): void {
  s.runs.push(0);
  s.prob.push(p);
  s.mean.push(centre);
  s.kappa.push(KAPPA0);
  s.alpha.push(ALPHA0);
  s.beta.push(beta0);
  s.lgc.push(LGC0);
  learnRegime(s, s.runs.length - 1, x, floor);
}

/** The Normal-Gamma update of one regime with x, its run one point longer. */
function learnRegime(s: ChangePointState, i: number, x: number, floor: number): void {
  const kappa = s.kappa[i]!;
  const d = x - s.mean[i]!;
  s.beta[i] = Math.max(s.beta[i]! + (kappa * d * d) / (2 * (kappa + 1)), (s.alpha[i]! + 0.5) * floor);
  s.mean[i] = s.mean[i]! + d / (kappa + 1);
  s.kappa[i] = kappa + 1;
  // lgamma(a + 1) − lgamma(a + 1/2) = log(a) − (lgamma(a + 1/2) − lgamma(a))
  s.lgc[i] = Math.log(s.alpha[i]!) - s.lgc[i]!;
  s.alpha[i] = s.alpha[i]! + 0.5;
  s.runs[i] = s.runs[i]! + 1;
}

const COLUMNS = ['runs', 'prob', 'mean', 'kappa', 'alpha', 'beta', 'lgc'] as const;

/**
 * Drops hypotheses below the pruning level. Beyond `maxRuns`, the oldest are merged into one
 * settled regime (their summed mass, the parameters of the most probable of them): long runs
 * predict nearly alike, and the young ones, which carry the news of a change, are all kept.
 * Hypotheses are kept ordered from oldest to youngest. Renormalises.
 */
function prune(s: ChangePointState): void {
  const c = s.config;
  const best = mostProbable(s);
  let kept = 0;
  for (let i = 0; i < s.prob.length; i++) {
    if (s.prob[i]! < c.prune && i !== best) continue;
    if (kept !== i) for (const key of COLUMNS) s[key][kept] = s[key][i]!;
    kept++;
  }
  for (const key of COLUMNS) s[key].length = kept;
  const excess = kept - c.maxRuns;
  if (excess > 0) {
    let mass = 0;
    let top = 0;
    for (let i = 0; i <= excess; i++) {
      mass += s.prob[i]!;
      if (s.prob[i]! > s.prob[top]!) top = i;
    }
    for (const key of COLUMNS) s[key][excess] = s[key][top]!;
    s.prob[excess] = mass;
    for (const key of COLUMNS) s[key].splice(0, excess);
  }
  let total = 0;
  for (const p of s.prob) total += p;
  for (let i = 0; i < s.prob.length; i++) s.prob[i] = s.prob[i]! / total;
}
