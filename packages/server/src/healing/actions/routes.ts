import { randomUUID } from 'node:crypto';
import { tryParseDuration } from '@aurora/core';
import { NodeAction, NodeActionList, NodeActionsQuery, Problem, QueueNodeAction } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import { type AgentActionQueue, toNodeAction, UnknownNodeError } from './queue.js';

const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 63 }) });
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
const security = [{ admin: [] }];
const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const MAX_TIMEOUT_MS = 24 * 60 * 60_000;

/** Who asked, as recorded on the action. */
function requester(principal: { kind: string; name?: string }): string {
  return principal.name ? `${principal.kind} ${principal.name}` : principal.kind;
}

/** Operators queue allow-listed actions for a node's agent and read what became of them. */
export async function registerActionRoutes(app: FastifyInstance, queue: AgentActionQueue, now: () => number) {
  app.post(
    '/v1/nodes/:name/actions',
    {
      schema: {
        summary: "Queue an action for the node's agent (checked against the agent's allow-list there)",
        tags: ['nodes'],
        security,
        params: NameParams,
        body: QueueNodeAction,
        response: { 202: NodeAction, ...errors },
      },
    },
    async (request, reply) => {
      const { name } = request.params as { name: string };
      const body = request.body as QueueNodeAction;
      const timeoutMs = body.timeout === undefined ? DEFAULT_TIMEOUT_MS : tryParseDuration(body.timeout);
      if (timeoutMs === undefined || timeoutMs < 1000 || timeoutMs > MAX_TIMEOUT_MS) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          'timeout must be a duration from 1s to 24h, e.g. 5m',
          'timeout',
        );
      }
      const id = body.id ?? `api:${randomUUID()}`;
      try {
        const row = await queue.enqueue({
          id,
          node: name,
          kind: body.kind,
          params: body.params as Record<string, unknown>,
          expiresAt: now() + timeoutMs,
          requestedBy: requester(request.principal as { kind: string; name?: string }),
        });
        if (row.node !== name || row.kind !== body.kind) {
          throw new AuroraError(
            'AURORA_CONFLICT',
            `action id ${id} is taken by a ${row.kind} action on ${row.node}; choose another id`,
            'id',
          );
        }
        return reply.code(202).send(toNodeAction(row));
      } catch (error) {
        if (error instanceof UnknownNodeError) {
          throw new AuroraError('AURORA_NODE_NOT_FOUND', `no node named "${name}"; list nodes with GET /v1/nodes`);
        }
        throw error;
      }
    },
  );

  app.get(
    '/v1/nodes/:name/actions',
    {
      schema: {
        summary: "Actions queued for the node's agent, newest first, with their results",
        tags: ['nodes'],
        security,
        params: NameParams,
        querystring: NodeActionsQuery,
        response: { 200: NodeActionList, ...errors },
      },
    },
    async (request) => {
      const { name } = request.params as { name: string };
      const q = request.query as NodeActionsQuery;
      return { items: (await queue.list(name, q.limit ?? 100)).map(toNodeAction) };
    },
  );
}
