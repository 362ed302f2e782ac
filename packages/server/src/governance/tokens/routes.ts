import { randomBytes, randomUUID } from 'node:crypto';
import { ApiTokenList, CreateApiTokenRequest, CreatedApiToken, Problem } from '@aurora/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { API_TOKEN_PREFIX, hashSecret } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { ApiTokenRepo, ApiTokenRow } from './api-token-repo.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const security = [{ admin: [] }];
const DEFAULT_TTL_SECONDS = 90 * 86_400;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function toApiToken(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles,
    teams: row.teams,
    expiresAt: iso(row.expiresAt),
    revokedAt: row.revokedAt === null ? null : iso(row.revokedAt),
    createdAt: iso(row.createdAt),
  };
}

/** API token routes: create (the secret is shown once), list, revoke. */
export async function registerApiTokenRoutes(
  app: FastifyInstance,
  deps: { tokens: ApiTokenRepo; clock: Clock },
): Promise<void> {
  app.post(
    '/v1/api-tokens',
    {
      schema: {
        summary: 'Create an API token for a service account; the secret is returned only now',
        tags: ['governance'],
        security,
        body: CreateApiTokenRequest,
        response: { 201: CreatedApiToken, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as CreateApiTokenRequest;
      const now = deps.clock.now();
      const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const row: ApiTokenRow = {
        id: randomUUID(),
        name: body.name,
        tokenHash: hashSecret(token),
        roles: [...new Set(body.roles)],
        teams: [...new Set(body.teams ?? [])],
        expiresAt: now + (body.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000,
        revokedAt: null,
        createdAt: now,
      };
      await deps.tokens.create(row);
      return reply.code(201).send({ ...toApiToken(row), token });
    },
  );

  app.get(
    '/v1/api-tokens',
    {
      schema: {
        summary: 'List API tokens, revoked and expired ones included',
        tags: ['governance'],
        security,
        response: { 200: ApiTokenList, ...errors },
      },
    },
    async () => ({ items: (await deps.tokens.list()).map(toApiToken) }),
  );

  app.delete(
    '/v1/api-tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token; it stops working at once',
        tags: ['governance'],
        security,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!(await deps.tokens.revoke(id, deps.clock.now()))) {
        throw new AuroraError(
          'AURORA_TOKEN_NOT_FOUND',
          `no API token with id "${id}"; list them with GET /v1/api-tokens`,
        );
      }
      return reply.code(204).send();
    },
  );
}
