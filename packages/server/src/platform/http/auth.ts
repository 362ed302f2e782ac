import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuroraError } from './errors.js';

/**
 * Who may call a route:
 * - `public`: anyone (health probes, docs, console assets);
 * - `admin`: the admin bearer token (operator routes; the default);
 * - `node`: a node credential (agent routes);
 * - `join`: a join token in the body, checked by the handler;
 * - `admin-query`: the admin token in the header or `?access_token=` (SSE, as EventSource cannot set headers).
 */
export type AuthKind = 'public' | 'admin' | 'node' | 'join' | 'admin-query';

/** The authenticated caller. */
export type Principal = { kind: 'admin' } | { kind: 'node'; nodeId: string; name: string } | { kind: 'anonymous' };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthKind;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

const anonymous: Principal = Object.freeze({ kind: 'anonymous' });

/** SHA-256 hex of a secret; only these are stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What the hook needs to check credentials. */
export interface Authenticator {
  /** SHA-256 hex of the admin token. */
  adminTokenHash: string;
  /** Resolves the SHA-256 hex of a node credential to its node, or undefined. */
  nodeByCredentialHash(credentialHash: string): Promise<{ nodeId: string; name: string } | undefined>;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

function isAdmin(tokenHash: string, adminTokenHash: string): boolean {
  const a = Buffer.from(tokenHash, 'hex');
  const b = Buffer.from(adminTokenHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Installs the one authentication and authorisation hook every route goes
 * through; a route states who may call it in `config.auth` (default `admin`).
 */
export function installAuth(app: FastifyInstance, auth: Authenticator): void {
  // Decorated up front so Fastify keeps one request shape; the hook below always sets it.
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    request.principal = anonymous;
    // Unmatched paths reveal nothing and may be console routes served by the SPA fallback.
    if (request.is404) return;
    const kind: AuthKind = request.routeOptions.config.auth ?? 'admin';
    if (kind === 'public' || kind === 'join') return;
    let token = bearer(request);
    if (!token && kind === 'admin-query') {
      const q = request.query as Record<string, unknown> | undefined;
      if (typeof q?.access_token === 'string') token = q.access_token;
    }
    if (!token) {
      throw new AuroraError(
        'AURORA_UNAUTHENTICATED',
        kind === 'node'
          ? 'send the node credential from POST /v1/join as "Authorization: Bearer <credential>"'
          : 'send the admin token as "Authorization: Bearer <token>" (printed once at first start)',
      );
    }
    // Hashed once: the admin check and the node lookup both compare hashes.
    const tokenHash = hashSecret(token);
    if (isAdmin(tokenHash, auth.adminTokenHash)) {
      if (kind === 'node')
        throw new AuroraError('AURORA_FORBIDDEN', 'this route is for node agents; use the node credential');
      request.principal = { kind: 'admin' };
      return;
    }
    const node = await auth.nodeByCredentialHash(tokenHash);
    if (!node) throw new AuroraError('AURORA_TOKEN_INVALID', 'the bearer token is unknown or revoked');
    if (kind !== 'node') throw new AuroraError('AURORA_FORBIDDEN', 'a node credential cannot call operator routes');
    request.principal = { kind: 'node', ...node };
  });
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.auth !== 'join') return;
    const body = request.body as { token?: unknown } | undefined;
    if (typeof body?.token !== 'string' || body.token.length === 0) {
      throw new AuroraError(
        'AURORA_UNAUTHENTICATED',
        'send a join token in the body field "token" (aurora token create)',
      );
    }
  });
}
