import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/http/auth.js';
import type { AuditLog } from './audit-log.js';

/** Ingest is counted by the metrics (aurora_heartbeats_total, remote-write counters), not chained: it would drown the log. */
const INGEST_ACTIONS = new Set(['agent.heartbeat', 'metrics.write']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The handler appends its own audit entry for every outcome (logins), so the generic one is skipped. */
    auditedByHandler?: boolean;
  }
}

/** Who acted, as the audit trail names them (ids, never secrets, never a person's name). */
export function actorOf(principal: Principal): Record<string, string> {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'admin', id: 'admin' };
    case 'service':
      return { kind: 'service', id: principal.id, name: principal.name };
    case 'user':
      // A person is named by the user id alone, a random pseudonym: once the user is erased (its row
      // deleted) nothing in the chain leads back to them, and the chain still verifies.
      return { kind: 'user', id: principal.id, session: principal.sessionId };
    case 'node':
      return { kind: 'node', id: principal.nodeId, name: principal.name };
    case 'anonymous':
      return { kind: 'anonymous' };
  }
}

/**
 * Records a request in the audit chain before its answer leaves: every
 * mutating request but ingest, whatever its outcome, and every failed
 * authentication on any route. Bodies are never recorded (they may hold secrets).
 */
export function requestRecorder(audit: AuditLog): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    if (request.is404 || request.routeOptions.config.auditedByHandler) return;
    const status = reply.statusCode;
    const route = request.routeOptions.url ?? '';
    const common = { method: request.method, route, status, requestId: String(request.id), sourceIp: request.ip };
    if (status === 401) {
      await audit.append({ kind: 'auth.failed', ...common });
      return;
    }
    if (!MUTATING.has(request.method)) return;
    const decision = request.authz;
    const auth = request.routeOptions.config.auth;
    const join = auth === 'join';
    const action = decision?.action ?? (join ? 'node.join' : `${request.method} ${route}`);
    if (INGEST_ACTIONS.has(action)) return;
    await audit.append({
      kind: 'request',
      ...common,
      actor: actorOf(request.principal),
      action,
      params: (request.params ?? {}) as Record<string, string>,
      outcome: decision?.outcome ?? outcomeWithoutDecision(auth),
      policies: decision?.policies ?? [],
    });
  };
}

/** Routes Cedar does not decide still say how the caller got through: a join token, or a route open to anyone. */
function outcomeWithoutDecision(auth: string | undefined): string {
  if (auth === 'join') return 'join-token';
  if (auth === 'public') return 'public';
  return 'unauthorised';
}
