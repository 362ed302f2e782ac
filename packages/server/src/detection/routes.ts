import { AnomaliesQuery, AnomalyList, Problem } from '@aurora/sdk';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../platform/store/engine.js';
import { anomalies } from '../platform/store/schema.js';

const errors = { 400: Problem, 401: Problem, 403: Problem };

/** `GET /v1/anomalies`: what live detection found, newest first, with each detector's sentence. */
export async function registerAnomalyRoutes(app: FastifyInstance, db: Db): Promise<void> {
  app.get(
    '/v1/anomalies',
    {
      schema: {
        summary: 'Anomalies live detection recorded, newest first',
        tags: ['detection'],
        security: [{ admin: [] }],
        querystring: AnomaliesQuery,
        response: { 200: AnomalyList, ...errors },
      },
    },
    async (request) => {
      const q = request.query as AnomaliesQuery;
      const where: SQL[] = [];
      if (q.node) where.push(eq(anomalies.node, q.node));
      if (q.metric) where.push(eq(anomalies.metric, q.metric));
      const rows = await db
        .select()
        .from(anomalies)
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(anomalies.at), desc(anomalies.id))
        .limit(q.limit ?? 100);
      return {
        items: rows.map((r) => ({
          id: String(r.id),
          metric: r.metric,
          labels: r.labels,
          node: r.node,
          at: new Date(r.at).toISOString(),
          value: r.value,
          score: r.score,
          explanation: r.explanation,
          alertId: r.alertId,
        })),
      };
    },
  );
}
