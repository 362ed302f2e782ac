import { ClusterSummary, Problem } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { SERVER_VERSION } from '../version.js';
import type { ClusterContext } from './context.js';

/** GET /v1/cluster/summary: node counts by state, leadership and store engine. */
export async function registerSummaryRoute(app: FastifyInstance, ctx: ClusterContext): Promise<void> {
  app.get(
    '/v1/cluster/summary',
    {
      schema: {
        summary: 'Cluster summary',
        tags: ['cluster'],
        security: [{ admin: [] }],
        response: { 200: ClusterSummary, 401: Problem, 403: Problem },
      },
    },
    async () => {
      const byState = await ctx.store.nodes.countByState();
      const total = Object.values(byState).reduce((a, b) => a + b, 0);
      return {
        nodes: { total, byState },
        leader: ctx.leadership.isLeader(),
        store: ctx.store.kind,
        version: SERVER_VERSION,
      };
    },
  );
}
