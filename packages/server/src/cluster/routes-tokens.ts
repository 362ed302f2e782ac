import { randomBytes, randomUUID } from 'node:crypto';
import { CreatedJoinToken, CreateTokenRequest, JoinTokenList, Problem } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { hashSecret } from '../platform/http/auth.js';
import { AuroraError } from '../platform/http/errors.js';
import type { JoinTokenRow } from '../platform/store/index.js';
import type { ClusterContext } from './context.js';
import { assertStorableText } from './text-safety.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const security = [{ admin: [] }];

function toJoinToken(row: JoinTokenRow) {
  return {
    id: row.id,
    description: row.description,
    expiresAt: new Date(row.expiresAt).toISOString(),
    usesRemaining: row.usesRemaining,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** Join token routes: create (the secret is shown once), list, revoke. */
export async function registerTokenRoutes(app: FastifyInstance, ctx: ClusterContext): Promise<void> {
  app.post(
    '/v1/tokens',
    {
      schema: {
        summary: 'Create a join token; the secret is returned only now',
        tags: ['tokens'],
        security,
        body: CreateTokenRequest,
        response: { 201: CreatedJoinToken, ...errors },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as CreateTokenRequest;
      assertStorableText(body);
      const now = ctx.clock.now();
      const id = randomUUID();
      const token = `aurora-join.${randomBytes(24).toString('base64url')}`;
      const row: JoinTokenRow = {
        id,
        tokenHash: hashSecret(token),
        description: body.description ?? '',
        expiresAt: now + (body.ttlSeconds ?? 86_400) * 1000,
        usesRemaining: body.uses ?? 1,
        createdAt: now,
      };
      await ctx.store.tokens.create(row);
      return reply.code(201).send({ ...toJoinToken(row), token });
    },
  );

  app.get(
    '/v1/tokens',
    {
      schema: {
        summary: 'List usable join tokens',
        tags: ['tokens'],
        security,
        response: { 200: JoinTokenList, ...errors },
      },
    },
    async () => ({ items: (await ctx.store.tokens.list(ctx.clock.now())).map(toJoinToken) }),
  );

  app.delete(
    '/v1/tokens/:id',
    {
      schema: {
        summary: 'Revoke a join token',
        tags: ['tokens'],
        security,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await ctx.store.tokens.delete(id))) {
        throw new AuroraError('AURORA_TOKEN_NOT_FOUND', `no join token with id "${id}"; list them with GET /v1/tokens`);
      }
      return reply.code(204).send();
    },
  );
}
