import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuroraError } from './errors.js';

/**
 * How a route is reached:
 * - `public`: anyone (health probes, docs, console assets);
 * - `admin`: a bearer token (admin token, API token, or node credential), then Cedar decides (the default);
 * - `node`: like `admin`, the route is meant for agents (only changes the hint of a 401);
 * - `join`: a join token in the body, checked by the handler;
 * - `admin-query`: like `admin`, the token may also come as `?access_token=` (SSE, as EventSource cannot set headers).
 */
export type AuthKind = 'public' | 'admin' | 'node' | 'join' | 'admin-query';

/** The authenticated caller. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'service'; id: string; name: string; roles: readonly string[]; teams: readonly string[] }
  | { kind: 'node'; nodeId: string; name: string }
  | { kind: 'anonymous' };

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

/** What the hook needs to check credentials and decide. */
export interface Authenticator {
  /** SHA-256 hex of the admin token. */
  adminTokenHash: string;
  /** Resolves the SHA-256 hex of a node credential to its node, or undefined. */
  nodeByCredentialHash(credentialHash: string): Promise<{ nodeId: string; name: string } | undefined>;
  /** Resolves an API token (`aurora-api.` prefix) by the SHA-256 hex of it; undefined when unknown, expired or revoked. */
  serviceByTokenHash?(tokenHash: string): Promise<Principal | undefined>;
  /** Decides whether the authenticated principal may call the matched route; throws a 403 AuroraError when not. */
  authorize(request: FastifyRequest): Promise<void>;
}

/** API tokens start with this, so the hook knows which table to ask without trying both. */
export const API_TOKEN_PREFIX = 'aurora-api.';

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

async function identify(auth: Authenticator, token: string, tokenHash: string): Promise<Principal> {
  if (isAdmin(tokenHash, auth.adminTokenHash)) return { kind: 'admin' };
  if (token.startsWith(API_TOKEN_PREFIX)) {
    const service = await auth.serviceByTokenHash?.(tokenHash);
    if (!service) throw new AuroraError('AURORA_TOKEN_INVALID', 'the API token is unknown, expired or revoked');
    return service;
  }
  const node = await auth.nodeByCredentialHash(tokenHash);
  if (!node) throw new AuroraError('AURORA_TOKEN_INVALID', 'the bearer token is unknown or revoked');
  return { kind: 'node', ...node };
}

/**
 * Installs the one authentication and authorisation hook every route goes
 * through: a route states how it is reached in `config.auth` (default `admin`),
 * the caller is identified from its bearer token, and `auth.authorize` (Cedar)
 * decides whether it may call the route.
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
          : 'send the admin token or an API token as "Authorization: Bearer <token>"',
      );
    }
    // Hashed once: the admin check and the lookups all compare hashes.
    const tokenHash = hashSecret(token);
    request.principal = await identify(auth, token, tokenHash);
    await auth.authorize(request);
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
