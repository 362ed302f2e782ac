import { createHash, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuroraError } from './errors.js';

/**
 * How a route is reached:
 * - `public`: anyone (health probes, docs, console assets);
 * - `admin`: a bearer token (admin token, API token, a user's access token, or node credential), then Cedar decides (the default);
 * - `node`: like `admin`, the route is meant for agents (only changes the hint of a 401);
 * - `join`: a join token in the body, checked by the handler;
 * - `stream`: like `admin`, or a single-use `?ticket=` from POST /v1/events/tickets (EventSource cannot set
 *   headers). Tokens themselves are never taken from the URL: URLs reach proxy and access logs.
 */
export type AuthKind = 'public' | 'admin' | 'node' | 'join' | 'stream';

/** The authenticated caller. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'service'; id: string; name: string; roles: readonly string[]; teams: readonly string[] }
  | {
      kind: 'user';
      id: string;
      name: string;
      roles: readonly string[];
      teams: readonly string[];
      /** The login session the access token belongs to. */
      sessionId: string;
    }
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
  /**
   * Set when the server speaks HTTPS: agent routes (`node`) then identify the node by the client certificate
   * the TLS handshake verified against the cluster CA, never by a bearer token. Resolves the node id the
   * certificate names to its node, or undefined when the node was deleted (which revokes its certificates).
   */
  nodeByCertificateId?(nodeId: string): Promise<{ nodeId: string; name: string } | undefined>;
  /** The node id a verified client certificate names (from its subjectAltName), or undefined. */
  nodeIdOfCertificate?(subjectAltName: string | undefined): string | undefined;
  /** Resolves an API token (`aurora-api.` prefix) by the SHA-256 hex of it; undefined when unknown, expired or revoked. */
  serviceByTokenHash?(tokenHash: string): Promise<Principal | undefined>;
  /** Resolves a user's access token (a JWT); throws a 401 AuroraError when it is forged, expired or revoked. */
  userByAccessToken?(token: string): Promise<Principal>;
  /** Takes a single-use event-stream ticket; undefined when unknown, used or expired. */
  principalByTicket?(ticket: string): Promise<Principal | undefined>;
  /**
   * Failed authentications per source address: `retryAfterMs` says how long an address that failed too often
   * must wait (undefined when it may try), `failed` counts one failure.
   */
  failures?: { retryAfterMs(ip: string): number | undefined; failed(ip: string): void };
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

/** Access tokens are JWTs: three base64url parts, the header starting `{"` (an unsigned one has an empty third part). */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

async function identify(auth: Authenticator, token: string, tokenHash: string): Promise<Principal> {
  if (isAdmin(tokenHash, auth.adminTokenHash)) return { kind: 'admin' };
  if (JWT_SHAPE.test(token)) {
    if (!auth.userByAccessToken) throw new AuroraError('AURORA_TOKEN_INVALID', 'access tokens are not accepted here');
    return auth.userByAccessToken(token);
  }
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
 * Mutual TLS: the handshake asked for a client certificate and verified it
 * against the cluster CA (chain and dates) but let the connection through
 * either way, since people reach the API without one; here an agent route
 * insists on a verified one that names a node that still exists.
 */
async function nodeFromCertificate(
  auth: Authenticator,
  request: FastifyRequest,
  lookup: NonNullable<Authenticator['nodeByCertificateId']>,
): Promise<Principal> {
  const socket = request.raw.socket as TLSSocket;
  const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  if (!peer || Object.keys(peer).length === 0) {
    throw new AuroraError(
      'AURORA_UNAUTHENTICATED',
      'agent routes require mutual TLS: present the client certificate the node got at join (aurora agent does)',
    );
  }
  if (!socket.authorized) {
    throw new AuroraError(
      'AURORA_CERTIFICATE_INVALID',
      `the client certificate was refused (${String(socket.authorizationError ?? 'not verified')}): it must be a current certificate from this cluster's CA; join again with a new token`,
    );
  }
  // A connection kept alive past the certificate's end must not keep the identity.
  if (Date.parse(peer.valid_to) <= Date.now()) {
    throw new AuroraError(
      'AURORA_CERTIFICATE_INVALID',
      'the client certificate has expired; the agent renews it before then',
    );
  }
  const nodeId = auth.nodeIdOfCertificate?.(peer.subjectaltname);
  const node = nodeId ? await lookup(nodeId) : undefined;
  if (!node) {
    throw new AuroraError(
      'AURORA_CERTIFICATE_INVALID',
      'the client certificate names no node of this cluster (the node was deleted, which revokes its certificates); join again with a new token',
    );
  }
  return { kind: 'node', ...node };
}

async function authenticate(auth: Authenticator, request: FastifyRequest, kind: AuthKind): Promise<Principal> {
  if (kind === 'node' && auth.nodeByCertificateId) return nodeFromCertificate(auth, request, auth.nodeByCertificateId);
  const token = bearer(request);
  if (!token && kind === 'stream') {
    const q = request.query as Record<string, unknown> | undefined;
    if (typeof q?.ticket === 'string') {
      const principal = await auth.principalByTicket?.(q.ticket);
      if (!principal) {
        throw new AuroraError(
          'AURORA_TOKEN_INVALID',
          'the event-stream ticket is unknown, used or expired; ask POST /v1/events/tickets for a new one',
        );
      }
      return principal;
    }
    if (q?.access_token !== undefined) {
      throw new AuroraError(
        'AURORA_UNAUTHENTICATED',
        'tokens are not taken from the URL (it reaches proxy logs); send "Authorization: Bearer <token>" or a single-use ?ticket= from POST /v1/events/tickets',
      );
    }
  }
  if (!token) {
    throw new AuroraError(
      'AURORA_UNAUTHENTICATED',
      kind === 'node'
        ? 'send the node credential from POST /v1/join as "Authorization: Bearer <credential>"'
        : 'send an access token (POST /v1/sessions), an API token or the admin token as "Authorization: Bearer <token>"',
    );
  }
  // Hashed once: the admin check and the lookups all compare hashes.
  return identify(auth, token, hashSecret(token));
}

/**
 * Every request starts anonymous, before any hook that may refuse it (rate
 * limits) runs, so the error answer and the audit trail always find a principal.
 */
export function decoratePrincipal(app: FastifyInstance): void {
  // Decorated up front so Fastify keeps one request shape.
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    request.principal = anonymous;
  });
}

/**
 * Installs the one authentication and authorisation hook every route goes
 * through: a route states how it is reached in `config.auth` (default `admin`),
 * the caller is identified from its bearer token, and `auth.authorize` (Cedar)
 * decides whether it may call the route.
 */
export function installAuth(app: FastifyInstance, auth: Authenticator): void {
  app.addHook('onRequest', async (request) => {
    // Unmatched paths reveal nothing and may be console routes served by the SPA fallback.
    if (request.is404) return;
    const kind: AuthKind = request.routeOptions.config.auth ?? 'admin';
    if (kind === 'public' || kind === 'join') return;
    const ip = request.ip;
    const wait = auth.failures?.retryAfterMs(ip);
    if (wait !== undefined) {
      throw new AuroraError(
        'AURORA_TOO_MANY_FAILURES',
        `too many failed authentications from ${ip}; try again in ${Math.ceil(wait / 1000)} s`,
        undefined,
        Math.ceil(wait / 1000),
      );
    }
    try {
      request.principal = await authenticate(auth, request, kind);
    } catch (error) {
      // A credential that was presented and is wrong counts; none at all, or an expired access token, is no guess.
      if (
        error instanceof AuroraError &&
        (error.code === 'AURORA_TOKEN_INVALID' || error.code === 'AURORA_CERTIFICATE_INVALID')
      ) {
        auth.failures?.failed(ip);
      }
      throw error;
    }
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
