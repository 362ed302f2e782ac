import { Problem, QueryRangeQuery, QueryRangeResult } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { parseTime } from '../cluster/time-range.js';
import { parseDurationMs } from '../platform/config/index.js';
import { AuroraError } from '../platform/http/errors.js';
import type { QueryEngine, RangeAnswer } from './query-engine.js';
import { parseSelector, type Selector, SelectorError } from './selector.js';

/** Steps the default picks from: the finest one that keeps a series near 250 buckets. */
const NICE_STEPS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400].map((s) => s * 1000);

/** Parses `match` or throws a 400 that points at the fault. */
export function parseMatch(text: string): Selector {
  try {
    return parseSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) {
      throw new AuroraError('AURORA_VALIDATION_FAILED', `match: ${error.message}`, 'match');
    }
    throw error;
  }
}

/** The validated range of a query: times, step. */
export function parseQueryRange(
  q: { from?: string | undefined; to?: string | undefined; step?: string | undefined },
  now: number,
): { from: number; to: number; stepMs: number } {
  const to = q.to !== undefined ? parseTime(q.to, now, 'to') : now;
  const from = q.from !== undefined ? parseTime(q.from, now, 'from') : to - 3_600_000;
  if (from > to)
    throw new AuroraError('AURORA_VALIDATION_FAILED', `from: must not be after "to" (${from} > ${to})`, 'from');
  if (q.step === undefined) {
    const stepMs = NICE_STEPS.find((s) => (to - from) / s <= 250) ?? NICE_STEPS[NICE_STEPS.length - 1]!;
    return { from, to, stepMs };
  }
  const stepMs = parseDurationMs(q.step);
  if (stepMs === undefined || stepMs < 1 || !Number.isInteger(stepMs)) {
    throw new AuroraError(
      'AURORA_VALIDATION_FAILED',
      `step: expected a whole number of milliseconds or a duration like "15s", "1m", "1h" (got "${q.step}")`,
      'step',
    );
  }
  return { from, to, stepMs };
}

/** The answer as JSON text: the points arrive from SQL already as JSON and are not parsed here. */
export function answerJson(answer: RangeAnswer): string {
  const parts = answer.series.map(
    (s) => `{"name":${JSON.stringify(s.name)},"labels":${JSON.stringify(s.labels)},"points":${s.pointsJson}}`,
  );
  return `{"tier":"${answer.tier}","stepMs":${answer.stepMs},"series":[${parts.join(',')}]}`;
}

/** `GET /v1/query_range`: series matching a Prometheus selector, bucketed by step from raw samples or rollups. */
export async function registerQueryRoute(app: FastifyInstance, engine: QueryEngine, now: () => number): Promise<void> {
  app.get(
    '/v1/query_range',
    {
      schema: {
        summary: 'Series matching a Prometheus selector, one aggregated point per step bucket',
        description:
          'Buckets start at multiples of `step` since the epoch. A step that is a multiple of 1h reads the 1-hour ' +
          'rollups, of 1m the 1-minute rollups, any other step the raw samples; samples not yet compacted are ' +
          'read from the head either way. At most 11,000 buckets per series.',
        tags: ['telemetry'],
        security: [{ admin: [] }],
        querystring: QueryRangeQuery,
        response: { 200: QueryRangeResult, 400: Problem, 401: Problem, 403: Problem },
      },
    },
    async (request, reply) => {
      const q = request.query as QueryRangeQuery;
      const selector = parseMatch(q.match);
      const range = parseQueryRange(q, now());
      const answer = await engine.range({ selector, ...range, agg: q.agg ?? 'avg' });
      return reply.type('application/json; charset=utf-8').send(answerJson(answer));
    },
  );
}
