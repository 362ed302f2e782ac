import { NodeTraffic, NodeTrafficRequest, Problem, PutServiceRequest, Service, ServiceList } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../platform/events/index.js';
import { AuroraError } from '../platform/http/errors.js';
import type { NodeRow, Store } from '../platform/store/index.js';
import { alerts, services } from '../platform/store/schema.js';
import { type Steering, toService } from './service-view.js';

export interface TrafficContext {
  store: Store;
  bus: EventBus;
  now: () => number;
  /** The share of its weight a backend keeps while its node has a firing anomaly alert. */
  anomalyTrafficWeight: number;
}

const NameParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' }),
});
const NodeParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) });
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const security = [{ admin: [] }];

async function nodesByName(store: Store): Promise<Map<string, NodeRow>> {
  return new Map((await store.nodes.list()).map((n) => [n.name, n]));
}

async function steering(ctx: TrafficContext): Promise<Steering> {
  const rows = await ctx.store.db
    .selectDistinct({ node: alerts.node })
    .from(alerts)
    .where(and(eq(alerts.state, 'firing'), eq(alerts.source, 'anomaly'), isNotNull(alerts.node)));
  return { anomalous: new Set(rows.map((r) => r.node as string)), anomalyWeight: ctx.anomalyTrafficWeight };
}

/** Checks what a schema cannot say: one of node or address per backend, and no backend declared twice. */
function validateBackends(body: PutServiceRequest): void {
  const seen = new Set<string>();
  body.backends.forEach((b, i) => {
    if ((b.node === undefined) === (b.address === undefined)) {
      throw new AuroraError(
        'AURORA_VALIDATION_FAILED',
        `backends.${i}: give exactly one of node or address`,
        `backends.${i}`,
      );
    }
    const key = b.node !== undefined ? `node:${b.node}:${b.port}` : `${b.address}:${b.port}`;
    if (seen.has(key)) {
      throw new AuroraError('AURORA_VALIDATION_FAILED', `backends.${i}: ${key} is listed twice`, `backends.${i}`);
    }
    seen.add(key);
  });
}

/**
 * Sets the share of their declared weight a node's service backends keep (1 restores all of it) and announces
 * each service with a backend on the node as changed, so proxies read it again: the one path for the API and
 * for playbooks.
 */
export async function setNodeTrafficShare(ctx: TrafficContext, node: string, share: number): Promise<NodeTraffic> {
  const row = await ctx.store.nodes.setTrafficShare(node, share >= 1 ? null : share);
  if (!row) throw new AuroraError('AURORA_NODE_NOT_FOUND', `no node named "${node}"; list nodes with GET /v1/nodes`);
  const affected = (await ctx.store.db.select({ name: services.name, backends: services.backends }).from(services))
    .filter((s) => s.backends.some((b) => b.node === node))
    .map((s) => s.name);
  const at = new Date(ctx.now()).toISOString();
  for (const name of affected) ctx.bus.publish({ type: 'service.changed', name, at });
  return { node, share: row.trafficShare ?? 1, services: affected };
}

/** Services and their backends: what the built-in proxy and the HAProxy adapter balance. */
export async function registerTrafficRoutes(app: FastifyInstance, ctx: TrafficContext): Promise<void> {
  const db = ctx.store.db;

  app.put(
    '/v1/nodes/:name/traffic',
    {
      schema: {
        summary: "Set the share of their declared weight a node's service backends keep",
        tags: ['traffic'],
        security,
        params: NodeParams,
        body: NodeTrafficRequest,
        response: { 200: NodeTraffic, ...errors },
      },
    },
    async (request) =>
      setNodeTrafficShare(ctx, (request.params as { name: string }).name, (request.body as NodeTrafficRequest).share),
  );

  app.get(
    '/v1/services',
    { schema: { summary: 'List services', tags: ['traffic'], security, response: { 200: ServiceList, ...errors } } },
    async () => {
      const rows = await db.select().from(services).orderBy(asc(services.name));
      const [nodes, steer] = await Promise.all([nodesByName(ctx.store), steering(ctx)]);
      return { items: rows.map((r) => toService(r, nodes, steer)) };
    },
  );

  app.get(
    '/v1/services/:name',
    {
      schema: {
        summary: 'Get a service with its backends resolved',
        tags: ['traffic'],
        security,
        params: NameParams,
        response: { 200: Service, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const row = (await db.select().from(services).where(eq(services.name, name)))[0];
      if (!row)
        throw new AuroraError(
          'AURORA_SERVICE_NOT_FOUND',
          `no service named "${name}"; create it with PUT /v1/services/${name}`,
        );
      return toService(row, await nodesByName(ctx.store), await steering(ctx));
    },
  );

  app.put(
    '/v1/services/:name',
    {
      schema: {
        summary: 'Create or replace a service and its backends',
        tags: ['traffic'],
        security,
        params: NameParams,
        body: PutServiceRequest,
        response: { 200: Service, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const body = request.body as PutServiceRequest;
      validateBackends(body);
      const row = {
        name,
        picker: body.picker ?? 'p2c-peak-ewma',
        healthPath: body.healthPath ?? '/healthz',
        backends: body.backends.map((b) => ({
          ...(b.node !== undefined ? { node: b.node } : { address: b.address! }),
          port: b.port,
          ...(b.zone !== undefined ? { zone: b.zone } : {}),
          weight: b.weight ?? 1,
        })),
        updatedAt: ctx.now(),
      };
      await db
        .insert(services)
        .values(row)
        .onConflictDoUpdate({
          target: services.name,
          set: { picker: row.picker, healthPath: row.healthPath, backends: row.backends, updatedAt: row.updatedAt },
        });
      ctx.bus.publish({ type: 'service.changed', name, at: new Date(row.updatedAt).toISOString() });
      return toService(row, await nodesByName(ctx.store), await steering(ctx));
    },
  );

  app.delete(
    '/v1/services/:name',
    {
      schema: {
        summary: 'Delete a service',
        tags: ['traffic'],
        security,
        params: NameParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const gone = await db.delete(services).where(eq(services.name, name)).returning({ name: services.name });
      if (gone.length === 0) throw new AuroraError('AURORA_SERVICE_NOT_FOUND', `no service named "${name}"`);
      ctx.bus.publish({ type: 'service.deleted', name, at: new Date(ctx.now()).toISOString() });
      return reply.code(204).send();
    },
  );
}
