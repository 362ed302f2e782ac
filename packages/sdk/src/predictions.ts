/**
 * The contract of predictions (`GET /v1/predictions`) and forecasts
 * (`GET /v1/forecast`): what the leader expects to happen to series with a
 * known capacity, and how often such predictions came true.
 */
import { type Static, Type } from '@sinclair/typebox';

/**
 * `full`: a series reaches its capacity (a disk); `saturated`: it reaches a share of its capacity
 * (CPU, a network link); `leak`: memory grows steadily, with the time it runs out when known.
 */
export const PredictionKind = Type.Union([Type.Literal('full'), Type.Literal('saturated'), Type.Literal('leak')]);
export type PredictionKind = Static<typeof PredictionKind>;

/**
 * `open`: expected and not yet happened; `came-true`: the series reached the limit while the
 * prediction was open; `withdrawn`: later data no longer expects it (or the series stopped reporting);
 * `unpredicted`: not a prediction but a miss, the series reached its limit while none was open
 * (recorded once per time it gets there, so recall can be reported).
 */
export const PredictionStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('came-true'),
  Type.Literal('withdrawn'),
  Type.Literal('unpredicted'),
]);
export type PredictionStatus = Static<typeof PredictionStatus>;

export const Prediction = Type.Object({
  id: Type.Integer(),
  kind: PredictionKind,
  /** The rule that made it: `disk`, `memory`, `cpu`, or a name from `capacities` in aurora.yaml. */
  rule: Type.String(),
  series: Type.Object({ name: Type.String(), labels: Type.Record(Type.String(), Type.String()) }),
  node: Type.Union([Type.String(), Type.Null()], { description: "the series' node label, when it has one" }),
  subject: Type.String({ description: 'what the prediction is about, e.g. "disk /var on node-3"' }),
  message: Type.String({
    description: 'the latest sentence, e.g. "disk /var on node-3 full in about 6 h (80 % interval 4–9 h)"',
  }),
  status: PredictionStatus,
  reason: Type.Union([Type.String(), Type.Null()], { description: 'why it was closed' }),
  openedAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expectedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'when the central forecast reaches the limit, as of the latest refresh',
  }),
  earliestAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  latestAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: "the interval's late end; null: beyond the look-ahead",
  }),
  firstExpectedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'expectedAt when the prediction was opened',
  }),
  withinFirstInterval: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'for came-true: whether it happened inside the interval given when the prediction was opened',
  }),
  level: Type.Number({ description: 'coverage of the interval, e.g. 0.8' }),
  current: Type.Number({ description: "the series' current level" }),
  limit: Type.Union([Type.Number(), Type.Null()], {
    description: 'the value that counts as reached (capacity, or its share); null for a leak of unknown capacity',
  }),
  trendPerHour: Type.Number({ description: 'robust trend of the series, in its unit per hour' }),
});
export type Prediction = Static<typeof Prediction>;

/** How often closed predictions came true, and how many limits reached had one open (recall). */
export const PredictionHitRate = Type.Object({
  closed: Type.Integer(),
  cameTrue: Type.Integer(),
  withdrawn: Type.Integer(),
  hitRate: Type.Union([Type.Number(), Type.Null()], { description: 'cameTrue / closed; null when none closed' }),
  unpredicted: Type.Integer({ description: 'times a series reached its limit with no prediction open' }),
  recall: Type.Union([Type.Number(), Type.Null()], {
    description:
      'cameTrue / (cameTrue + unpredicted): the share of limits reached that were predicted; null when none was',
  }),
  withinFirstInterval: Type.Union([Type.Number(), Type.Null()], {
    description: 'share of came-true predictions that happened inside the interval first given',
  }),
  byKind: Type.Record(
    Type.String(),
    Type.Object({
      closed: Type.Integer(),
      cameTrue: Type.Integer(),
      hitRate: Type.Union([Type.Number(), Type.Null()]),
      unpredicted: Type.Integer(),
      recall: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
export type PredictionHitRate = Static<typeof PredictionHitRate>;

/** Query of `GET /v1/predictions`. */
export const PredictionsQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { default: 'open' }),
  ),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type PredictionsQuery = Static<typeof PredictionsQuery>;

/** Answer of `GET /v1/predictions`. */
export const PredictionList = Type.Object({
  items: Type.Array(Prediction, { description: 'open ones soonest first, closed ones newest first' }),
  hitRate: PredictionHitRate,
  refreshedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'when the leader last finished refreshing predictions',
  }),
});
export type PredictionList = Static<typeof PredictionList>;

/** Query of `GET /v1/forecast`. */
export const ForecastQuery = Type.Object({
  match: Type.String({ minLength: 1, maxLength: 4096, description: 'Prometheus series selector' }),
  from: Type.Optional(Type.String({ description: 'history start, as in query_range (default: 7 days before to)' })),
  to: Type.Optional(Type.String({ description: 'history end and forecast origin (default now)' })),
  step: Type.Optional(Type.String({ description: 'bucket width of history and forecast (default 5m)' })),
  horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 288, default: 48, description: 'steps to forecast' })),
  level: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.99, default: 0.8 })),
});
export type ForecastQuery = Static<typeof ForecastQuery>;

/** One series' forecast: `[bucket start ms, point, lower, upper]` per step after the origin. */
export const ForecastSeries = Type.Object({
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  method: Type.String({ description: 'the forecaster\'s chosen method, or "insufficient-history"' }),
  points: Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()])),
});
export type ForecastSeries = Static<typeof ForecastSeries>;

/** Answer of `GET /v1/forecast`. */
export const ForecastResult = Type.Object({
  stepMs: Type.Integer(),
  level: Type.Number(),
  series: Type.Array(ForecastSeries),
});
export type ForecastResult = Static<typeof ForecastResult>;
