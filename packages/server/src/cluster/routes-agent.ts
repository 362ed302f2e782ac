import { randomBytes, randomUUID } from 'node:crypto';
import { initialHealth } from '@aurora/core';
import {
  CertificateRenewalRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinRequest,
  JoinResponse,
  NodeCertificate,
  Problem,
} from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { hashSecret } from '../platform/http/auth.js';
import { AuroraError } from '../platform/http/errors.js';
import type { NodeRow } from '../platform/store/index.js';
import { agentSeries, nodeSource } from '../telemetry/agent-samples.js';
import type { ClusterContext } from './context.js';
import { checkBatchIds, screenSamples } from './heartbeat-checks.js';
import { fromHealth, toNode } from './node-view.js';
import { assertStorableText } from './text-safety.js';

const errors = { 400: Problem, 401: Problem, 403: Problem, 409: Problem, 413: Problem, 422: Problem };

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

async function nodeCertificate(
  pki: NonNullable<ClusterContext['nodeCertificates']>,
  csr: string,
  node: { id: string; name: string },
): Promise<NodeCertificate> {
  const issued = await pki.issue(csr, node);
  return {
    certificate: issued.certificate,
    certificateExpiresAt: issued.notAfter.toISOString(),
    caCertificate: pki.caCertificate,
  };
}

/**
 * A join repeated by the agent that made it (same token, same name, same join key), because the
 * answer to the first attempt never reached it: the node exists, so instead of AURORA_NODE_NAME_TAKEN
 * the same node gets a new credential (the first one, which the agent never received, stops working).
 * The token must not have expired or been revoked, but the repeat uses no further use of it. Anyone
 * else, without the key, still gets AURORA_NODE_NAME_TAKEN. Returns undefined when it is not a repeat.
 */
async function repeatJoin(
  ctx: ClusterContext,
  name: string,
  tokenHash: string,
  joinKey: string,
  now: number,
): Promise<JoinResponse | undefined> {
  const keyHash = hashSecret(joinKey);
  const node = await ctx.store.nodes.byName(name);
  if (!node?.joinKeyHash || node.joinKeyHash !== keyHash || !node.joinTokenId) return undefined;
  const token = await ctx.store.tokens.unexpired(tokenHash, now);
  if (token?.id !== node.joinTokenId) return undefined;
  const credential = `aurora-node.${randomBytes(32).toString('base64url')}`;
  const updated = await ctx.store.nodes.reissueCredential(name, keyHash, hashSecret(credential));
  if (!updated) return undefined;
  ctx.credentials.evict(updated.id);
  ctx.credentials.remember(updated.credentialHash, { nodeId: updated.id, name: updated.name });
  return {
    nodeId: updated.id,
    name: updated.name,
    credential,
    heartbeatIntervalMs: ctx.heartbeatIntervalMs,
    ...replicaList(ctx),
  };
}

function replicaList(ctx: ClusterContext): { servers?: string[] } {
  const servers = ctx.replicaUrls?.().slice(0, 64);
  return servers && servers.length > 0 ? { servers } : {};
}

/** Agent routes: join with a join token, then heartbeat with the node credential. */
export async function registerAgentRoutes(app: FastifyInstance, ctx: ClusterContext): Promise<void> {
  app.post(
    '/v1/join',
    {
      config: { auth: 'join' },
      schema: {
        summary: 'Exchange a join token for a node credential',
        tags: ['agent'],
        body: JoinRequest,
        response: { 201: JoinResponse, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as JoinRequest;
      assertStorableText(body);
      const pki = ctx.nodeCertificates;
      if (pki) {
        if (body.csr === undefined) {
          throw new AuroraError(
            'AURORA_VALIDATION_FAILED',
            'csr: required, since this control plane serves HTTPS and agents authenticate with client certificates; ' +
              'use an agent of this version, which makes its key and sends the request itself',
            'csr',
          );
        }
        // Checked before the token is spent, so a malformed request does not use up a join.
        await pki.check(body.csr);
      }
      const now = ctx.clock.now();
      const tokenHash = hashSecret(body.token);
      const repeated = body.joinKey ? await repeatJoin(ctx, body.name, tokenHash, body.joinKey, now) : undefined;
      if (repeated) {
        // Under mutual TLS the repeat carries the agent's request again (its key is the same), so it gets a certificate too.
        const certificate =
          pki && body.csr
            ? await nodeCertificate(pki, body.csr, { id: repeated.nodeId, name: repeated.name })
            : undefined;
        return reply.code(201).send({ ...repeated, ...(certificate ? { certificate } : {}) });
      }
      const token = await ctx.store.tokens.consume(tokenHash, now);
      if (!token)
        throw new AuroraError(
          'AURORA_TOKEN_INVALID',
          'the join token is unknown, expired or used up; create one with POST /v1/tokens',
        );
      const credential = `aurora-node.${randomBytes(32).toString('base64url')}`;
      const row: NodeRow = {
        trafficShare: null,
        id: randomUUID(),
        name: body.name,
        labels: body.facts.labels,
        zone: body.facts.zone ?? null,
        facts: body.facts,
        conditions: [],
        credentialHash: hashSecret(credential),
        joinTokenId: token.id,
        joinKeyHash: body.joinKey ? hashSecret(body.joinKey) : null,
        createdAt: now,
        ...fromHealth(initialHealth(now)),
      };
      try {
        await ctx.store.nodes.insert(row);
      } catch (error) {
        await ctx.store.tokens.refund(token.id);
        if (isUniqueViolation(error)) {
          throw new AuroraError(
            'AURORA_NODE_NAME_TAKEN',
            `a node named "${body.name}" exists; pick another name or delete it first`,
            'name',
          );
        }
        throw error;
      }
      ctx.credentials.remember(row.credentialHash, { nodeId: row.id, name: row.name });
      const certificate = pki && body.csr ? await nodeCertificate(pki, body.csr, row) : undefined;
      ctx.bus.publish({ type: 'node.joined', node: toNode(row), at: new Date(now).toISOString() });
      return reply.code(201).send({
        nodeId: row.id,
        name: row.name,
        credential,
        heartbeatIntervalMs: ctx.heartbeatIntervalMs,
        ...(certificate ? { certificate } : {}),
        ...replicaList(ctx),
      });
    },
  );

  app.post(
    '/v1/agent/certificate',
    {
      config: { auth: 'node' },
      schema: {
        summary: "Renew the node's client certificate for a new key, over mutual TLS with the current one",
        tags: ['agent'],
        body: CertificateRenewalRequest,
        response: { 200: NodeCertificate, ...errors },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (principal.kind !== 'node') {
        throw new AuroraError('AURORA_FORBIDDEN', 'only a node renews its certificate, with its current one');
      }
      const pki = ctx.nodeCertificates;
      if (!pki) {
        throw new AuroraError(
          'AURORA_TLS_OFF',
          'this control plane speaks plain HTTP on loopback and issues no client certificates; start it with --tls',
        );
      }
      const body = request.body as CertificateRenewalRequest;
      await pki.check(body.csr);
      return nodeCertificate(pki, body.csr, { id: principal.nodeId, name: principal.name });
    },
  );

  app.post(
    '/v1/agent/heartbeat',
    {
      config: { auth: 'node' },
      schema: {
        summary: 'Report facts and metric batches; answers which batches are stored',
        tags: ['agent'],
        security: [{ node: [] }],
        body: HeartbeatRequest,
        response: { 200: HeartbeatResponse, ...errors },
      },
    },
    async (request) => {
      const principal = request.principal;
      if (principal.kind !== 'node') throw new AuroraError('AURORA_FORBIDDEN', 'heartbeats need a node credential');
      const body = request.body as HeartbeatRequest;
      checkBatchIds(body);
      assertStorableText(body);
      const receivedAt = ctx.clock.now();
      const screening = screenSamples(body, receivedAt);
      const source = nodeSource(principal.nodeId);
      // Series are resolved (within the cardinality limits) before the heartbeat queues, so a refused one writes nothing.
      const prepared = [];
      for (const samples of screening.kept) {
        prepared.push(
          await ctx.telemetry.prepare('agent', source, receivedAt, agentSeries(principal.name, samples), 'late'),
        );
      }
      const { acknowledged, state } = await ctx.heartbeats.submit(
        principal.nodeId,
        receivedAt,
        body,
        prepared,
        screening,
      );
      // After the batches are stored: a result the agent reports is kept even if the answer is lost (it resends it).
      const exchanged = ctx.agentActions
        ? await ctx.agentActions.exchange(principal.nodeId, body.actionResults ?? [])
        : { stored: [], actions: [] };
      return {
        acknowledged,
        serverTime: receivedAt,
        heartbeatIntervalMs: ctx.heartbeatIntervalMs,
        state,
        // Read from memory: agents learn of replicas started after they joined.
        ...replicaList(ctx),
        ...(exchanged.actions.length > 0 ? { actions: exchanged.actions } : {}),
        ...(exchanged.stored.length > 0 ? { actionResultsStored: exchanged.stored } : {}),
      };
    },
  );
}
