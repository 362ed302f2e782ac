import type { FastifyInstance } from 'fastify';
import type { ClusterContext } from './context.js';
import { registerAgentRoutes } from './routes-agent.js';
import { registerNodeRoutes } from './routes-nodes.js';
import { registerSummaryRoute } from './routes-summary.js';
import { registerTokenRoutes } from './routes-tokens.js';

export type { AgentActionExchange, ClusterContext } from './context.js';
export { NodeCredentialCache } from './credentials.js';
export { HeartbeatQueue } from './heartbeat-queue.js';
export { type OperatorAction, operateNode } from './operate-node.js';
export { HealthReconciler } from './reconciler.js';
export { SilenceGrace } from './silence-grace.js';

/** Registers every route of the cluster capability. */
export async function registerClusterRoutes(app: FastifyInstance, ctx: ClusterContext): Promise<void> {
  await registerAgentRoutes(app, ctx);
  await registerNodeRoutes(app, ctx);
  await registerTokenRoutes(app, ctx);
  await registerSummaryRoute(app, ctx);
}
