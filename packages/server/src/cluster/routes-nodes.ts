import {
  MetricRange,
  NODE_PAGE_DEFAULT,
  NODE_PAGE_MAX,
  Node,
  NodeList,
  NodeListQuery,
  type NodeState,
  NodeTransitionPage,
  NodeTransitionsQuery,
  Problem,
} from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../platform/http/errors.js';
import { type NodeRow, sortValueOf } from '../platform/store/index.js';
import { nodeSource } from '../telemetry/agent-samples.js';
import { agentMetricName, NODE_LABEL } from '../telemetry/names.js';
import type { Matcher } from '../telemetry/selector.js';
import type { ClusterContext } from './context.js';
import { decodeNodeCursor, encodeNodeCursor } from './node-cursor.js';
import { toNode } from './node-view.js';
import { operateNode } from './operate-node.js';
import { assertStorableText } from './text-safety.js';
import { parseRange } from './time-range.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) });
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const security = [{ admin: [] }];
const DEFAULT_TRANSITIONS_PAGE = 100;

function parseLabelSelectors(raw: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const selector of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    const i = selector.indexOf('=');
    if (i <= 0) {
      throw new AuroraError('AURORA_VALIDATION_FAILED', `label: expected key=value (got "${selector}")`, 'label');
    }
    out[selector.slice(0, i)] = selector.slice(i + 1);
  }
  return out;
}

async function mustFind(ctx: ClusterContext, name: string): Promise<NodeRow> {
  const row = await ctx.store.nodes.byName(name);
  if (!row) throw new AuroraError('AURORA_NODE_NOT_FOUND', `no node named "${name}"; list nodes with GET /v1/nodes`);
  return row;
}

/** Node routes for operators: list, get, cordon/uncordon/drain, delete, metrics, transitions. */
export async function registerNodeRoutes(app: FastifyInstance, ctx: ClusterContext): Promise<void> {
  app.get(
    '/v1/nodes',
    {
      schema: {
        summary: 'List nodes, a page at a time',
        description:
          `At most \`limit\` nodes (default ${NODE_PAGE_DEFAULT}, at most ${NODE_PAGE_MAX}) sorted by \`sort\` then name, ` +
          'filtered by state, labels and part of the name. When `next` is not null, pass it as `cursor` ' +
          '(same sort and order) for the next page; `total` counts every matching node.',
        tags: ['nodes'],
        security,
        querystring: NodeListQuery,
        response: { 200: NodeList, ...errors },
      },
    },
    async (request): Promise<NodeList> => {
      const query = request.query as NodeListQuery;
      assertStorableText(query);
      const sort = query.sort ?? 'name';
      const order = query.order ?? 'asc';
      const limit = query.limit ?? NODE_PAGE_DEFAULT;
      const after = query.cursor === undefined ? undefined : decodeNodeCursor(query.cursor, sort, order);
      const filter = {
        ...(query.state ? { state: query.state } : {}),
        labels: parseLabelSelectors(query.label),
        hasLabels: query.hasLabel === undefined ? [] : [query.hasLabel].flat(),
        ...(query.q ? { nameContains: query.q } : {}),
      };
      // One row more than asked says whether another page exists.
      const { rows, total } = await ctx.store.nodes.page(filter, {
        sort,
        order,
        limit: limit + 1,
        ...(after ? { after } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toNode),
        next:
          rows.length > limit && last
            ? encodeNodeCursor(sort, order, { value: sortValueOf(last, sort), name: last.name })
            : null,
        total,
      };
    },
  );

  app.get(
    '/v1/nodes/:name',
    {
      schema: {
        summary: 'Get a node',
        tags: ['nodes'],
        security,
        params: NameParams,
        response: { 200: Node, ...errors },
      },
    },
    async (request) => toNode(await mustFind(ctx, (request.params as { name: string }).name)),
  );

  for (const action of ['cordon', 'uncordon', 'drain'] as const) {
    app.post(
      `/v1/nodes/:name/${action}`,
      {
        schema: {
          summary: `${action[0]?.toUpperCase()}${action.slice(1)} a node`,
          tags: ['nodes'],
          security,
          params: NameParams,
          response: { 200: Node, ...errors },
        },
      },
      async (request) => operateNode(ctx, (request.params as { name: string }).name, action),
    );
  }

  app.delete(
    '/v1/nodes/:name',
    {
      schema: {
        summary: 'Delete a node and its data; its credential stops working',
        tags: ['nodes'],
        security,
        params: NameParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const name = (request.params as { name: string }).name;
      const row = await ctx.store.nodes.deleteByName(name);
      if (!row)
        throw new AuroraError('AURORA_NODE_NOT_FOUND', `no node named "${name}"; list nodes with GET /v1/nodes`);
      ctx.credentials.evict(row.id);
      ctx.telemetry.forgetSource(nodeSource(row.id));
      ctx.bus.publish({ type: 'node.deleted', name, at: new Date(ctx.clock.now()).toISOString() });
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/nodes/:name/metrics',
    {
      schema: {
        summary: 'Metric samples of a node, averaged per step',
        tags: ['nodes'],
        security,
        params: NameParams,
        querystring: Type.Object({
          name: Type.Optional(
            Type.String({
              maxLength: 128,
              description: 'metric name, e.g. cpu_usage_pct (an agent name such as cpu.usage_pct also works)',
            }),
          ),
          from: Type.Optional(
            Type.String({ description: 'ms since epoch, ISO date, or relative like -15m (default -15m)' }),
          ),
          to: Type.Optional(Type.String({ description: 'as from; default now' })),
          step: Type.Optional(Type.String({ description: 'bucket width: 15s, 1m or ms' })),
        }),
        response: { 200: MetricRange, ...errors },
      },
    },
    async (request) => {
      const query = request.query as { name?: string; from?: string; to?: string; step?: string };
      assertStorableText(query);
      const row = await mustFind(ctx, (request.params as { name: string }).name);
      const range = parseRange(query, ctx.clock.now());
      const matchers: Matcher[] = [{ name: NODE_LABEL, op: '=', value: row.name }];
      if (query.name) matchers.unshift({ name: '__name__', op: '=', value: agentMetricName(query.name) });
      const answer = await ctx.query.range({ selector: { matchers }, ...range, agg: 'avg' });
      return {
        series: answer.series.map((s) => ({
          name: s.name,
          labels: s.labels,
          points: JSON.parse(s.pointsJson) as [number, number][],
        })),
      };
    },
  );

  app.get(
    '/v1/nodes/:name/transitions',
    {
      schema: {
        summary: 'State changes of a node, newest first',
        description:
          'Every recorded transition with its reason, in the order it was recorded. ' +
          'When `next` is not null, pass it as `before` to read the older ones.',
        tags: ['nodes'],
        security,
        params: NameParams,
        querystring: NodeTransitionsQuery,
        response: { 200: NodeTransitionPage, ...errors },
      },
    },
    async (request): Promise<NodeTransitionPage> => {
      const query = request.query as NodeTransitionsQuery;
      const limit = query.limit ?? DEFAULT_TRANSITIONS_PAGE;
      const row = await mustFind(ctx, (request.params as { name: string }).name);
      // One row more than asked says whether an older page exists without a count.
      const rows = await ctx.store.nodes.transitions(row.id, {
        limit: limit + 1,
        ...(query.before !== undefined ? { before: query.before } : {}),
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((t) => ({
          at: new Date(t.at).toISOString(),
          from: t.fromState as NodeState,
          to: t.toState as NodeState,
          reason: t.reason,
        })),
        next: rows.length > limit ? (page.at(-1)?.seq ?? null) : null,
      };
    },
  );
}
