import type { FastifyInstance } from 'fastify';
import type { CapacityRule } from '../platform/config/index.js';
import type { DecisionLog, Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import type { QueryEngine } from '../telemetry/index.js';
import { PredictionController } from './controller.js';
import type { RefreshOutcome } from './prediction-repo.js';
import { registerForecastingRoutes } from './routes.js';
import { compileRules } from './rules.js';

export { PredictionController } from './controller.js';
export { BUILT_IN_RULES, compileRules, type PredictionRule } from './rules.js';

/** Settings of the forecasting capability. */
export interface ForecastingOptions {
  store: Store;
  query: QueryEngine;
  leadership: Leadership;
  /** The audit chain, where predictions opened, come true and withdrawn are recorded. */
  decisions: DecisionLog;
  now: () => number;
  /** `capacities` from aurora.yaml. */
  capacities: readonly CapacityRule[];
  intervalMs: number;
  onRefresh?: (outcome: RefreshOutcome & { series: number; seconds: number }) => void;
}

/** Predictions for series with a known capacity: the leader's controller and the API. */
export interface Forecasting {
  controller: PredictionController;
  registerRoutes(app: FastifyInstance): Promise<void>;
}

/** Builds the forecasting capability; throws a ConfigError when a configured rule's selector is invalid. */
export function createForecasting(o: ForecastingOptions): Forecasting {
  const controller = new PredictionController({
    db: o.store.db,
    query: o.query,
    leadership: o.leadership,
    decisions: o.decisions,
    now: o.now,
    rules: compileRules(o.capacities),
    intervalMs: o.intervalMs,
    ...(o.onRefresh ? { onRefresh: o.onRefresh } : {}),
  });
  return {
    controller,
    registerRoutes: (app) => registerForecastingRoutes(app, { db: o.store.db, query: o.query, now: o.now }),
  };
}
