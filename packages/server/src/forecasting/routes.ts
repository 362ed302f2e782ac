import { autoForecast } from '@aurora/core';
import { ForecastQuery, ForecastResult, PredictionList, PredictionsQuery, Problem } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../platform/http/errors.js';
import type { Db } from '../platform/store/index.js';
import { parseMatch, parseQueryRange, type QueryEngine } from '../telemetry/index.js';
import { hitRate, listPredictions, refreshedAt } from './prediction-repo.js';
import { toGrid } from './series-reader.js';

/** Most series one forecast request may match: each costs tens of milliseconds of CPU. */
export const FORECAST_MAX_SERIES = 20;
/** The fewest history points a forecast is made from. */
const MIN_POINTS = 12;

/** `GET /v1/predictions` and `GET /v1/forecast`. */
export async function registerForecastingRoutes(
  app: FastifyInstance,
  o: { db: Db; query: QueryEngine; now: () => number },
): Promise<void> {
  app.get(
    '/v1/predictions',
    {
      schema: {
        summary: 'Predictions for series with a known capacity, and how often closed ones came true',
        description:
          'The leader refreshes them at least every minute from the last week of each series: disks filling, ' +
          'memory leaking, CPU and configured resources saturating. A prediction is open until the series ' +
          'reaches its limit (came-true) or later data no longer expects it (withdrawn); the hit rate counts ' +
          'closed ones. A limit reached with no prediction open is kept as an unpredicted row, once each time ' +
          'the series gets there, for the recall.',
        tags: ['forecasting'],
        security: [{ admin: [] }],
        querystring: PredictionsQuery,
        response: { 200: PredictionList, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const q = request.query as PredictionsQuery;
      const [items, rate, refreshed] = await Promise.all([
        listPredictions(o.db, { status: q.status ?? 'open', node: q.node, limit: q.limit ?? 100 }),
        hitRate(o.db),
        refreshedAt(o.db),
      ]);
      return {
        items,
        hitRate: rate,
        refreshedAt: refreshed === null ? null : new Date(refreshed).toISOString(),
      } satisfies PredictionList;
    },
  );

  app.get(
    '/v1/forecast',
    {
      schema: {
        summary: 'A forecast with a prediction interval for each series a selector matches',
        description:
          `History from \`from\` to \`to\` at \`step\` (averaged per bucket, as query_range), then \`horizon\` ` +
          `steps forecast from \`to\` by the automatic forecaster, with its interval at \`level\`. At most ` +
          `${FORECAST_MAX_SERIES} series.`,
        tags: ['forecasting'],
        security: [{ admin: [] }],
        querystring: ForecastQuery,
        response: { 200: ForecastResult, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request) => {
      const q = request.query as ForecastQuery;
      const selector = parseMatch(q.match);
      const now = o.now();
      const to = q.to;
      const range = parseQueryRange({ from: q.from ?? '-7d', to, step: q.step ?? '5m' }, now);
      if (q.from === undefined && to !== undefined) range.from = range.to - 7 * 86_400_000;
      const matched = await o.query.series(selector);
      if (matched.length > FORECAST_MAX_SERIES) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          `match: selects ${matched.length} series, more than the ${FORECAST_MAX_SERIES} one forecast may; add matchers to narrow it`,
          'match',
        );
      }
      const answer = await o.query.range({ selector, ...range, agg: 'avg' });
      const horizon = q.horizon ?? 48;
      const level = q.level ?? 0.8;
      const series = answer.series.map((s) => {
        const { values, lastTs } = toGrid(JSON.parse(s.pointsJson) as [number, number | string][], range.stepMs);
        if (values.length < MIN_POINTS) {
          return { name: s.name, labels: s.labels, method: 'insufficient-history', points: [] };
        }
        const f = autoForecast(values, { horizon, stepMs: range.stepMs, level });
        const points = f.point.map(
          (p, h) => [lastTs + (h + 1) * range.stepMs, p, f.lower[h]!, f.upper[h]!] as [number, number, number, number],
        );
        return { name: s.name, labels: s.labels, method: f.method, points };
      });
      return { stepMs: range.stepMs, level, series } satisfies ForecastResult;
    },
  );
}
