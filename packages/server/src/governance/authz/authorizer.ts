import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { AuthzDecision, CedarValueJson, EntityJson, EntityUidJson, PolicyEngine } from './engine.js';
import { CLUSTER_UID, clusterEntity, type NodeAttributes, nodeEntity, principalEntity } from './entities.js';
import { type RouteAction, routeAction } from './route-actions.js';

/** A decision as the HTTP layer records it on the request (the audit trail reads it). */
export interface RequestDecision extends AuthzDecision {
  action: string;
  resource: EntityUidJson;
}

declare module 'fastify' {
  interface FastifyRequest {
    authz?: RequestDecision;
  }
}

/** What a caller of the authorisation API asks, outside HTTP (controllers, approvals). */
export interface DecideInput {
  principal: Principal;
  action: string;
  /** The node acted on, or undefined for the cluster. */
  node?: NodeAttributes | undefined;
  context?: Record<string, CedarValueJson>;
}

/**
 * Authorisation with Cedar for every request and for in-process callers.
 * Holds the current policy set, which a policy change replaces.
 */
export class Authorizer {
  #engine: PolicyEngine;

  constructor(
    engine: PolicyEngine,
    private readonly nodeByName: (name: string) => Promise<NodeAttributes | undefined>,
  ) {
    this.#engine = engine;
  }

  get engine(): PolicyEngine {
    return this.#engine;
  }

  /** Puts a newly compiled policy set in force. */
  use(engine: PolicyEngine): void {
    this.#engine = engine;
  }

  /** The authorisation API: allow, deny or needs-approval, with the policies that decided it. */
  decide(input: DecideInput): AuthzDecision & { resource: EntityUidJson } {
    const principal = principalEntity(input.principal);
    if (!principal)
      return {
        outcome: 'deny',
        policies: [],
        errors: ['anonymous callers are never authorised'],
        resource: CLUSTER_UID,
      };
    const resource = input.node ? nodeEntity(input.node) : clusterEntity();
    const entities: EntityJson[] = [principal, resource];
    const decision = this.#engine.decide({
      principal: principal.uid,
      action: input.action,
      resource: resource.uid,
      context: input.context ?? {},
      entities,
    });
    return { ...decision, resource: resource.uid };
  }

  /** The hook's half: decides the matched route for the request's principal; throws 403 unless allowed. */
  async authorizeRequest(request: FastifyRequest): Promise<void> {
    const route = routeAction(
      request.routeOptions.method as string,
      request.routeOptions.url ?? '',
      request.routeOptions.config.authz,
    );
    const node = await this.#resourceNode(route, request);
    const decision = this.decide({
      principal: request.principal,
      action: route.action,
      node,
      context: request.ip ? { sourceIp: request.ip } : {},
    });
    request.authz = { ...decision, action: route.action };
    if (decision.outcome === 'allow') return;
    const who = describe(request.principal);
    const by =
      decision.policies.length > 0
        ? ` by policy ${decision.policies.map((p) => `"${p}"`).join(', ')}`
        : ' (no policy permits it)';
    if (decision.outcome === 'needs-approval') {
      throw new AuroraError(
        'AURORA_APPROVAL_REQUIRED',
        `${who} may do "${route.action}" here only with an approval; denied${by}`,
      );
    }
    throw new AuroraError('AURORA_FORBIDDEN', `${who} may not do "${route.action}"${by}`);
  }

  async #resourceNode(route: RouteAction, request: FastifyRequest): Promise<NodeAttributes | undefined> {
    if (route.resource !== 'node') return undefined;
    const name = (request.params as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string') return undefined;
    // A node that does not exist is decided on its name alone; the handler then answers 404 to those allowed.
    return (await this.nodeByName(name)) ?? { name, labels: {}, zone: null };
  }
}

function describe(principal: Principal): string {
  switch (principal.kind) {
    case 'admin':
      return 'the admin token';
    case 'user':
      return `user "${principal.name}" (roles ${principal.roles.join(', ') || 'none'})`;
    case 'service':
      return `API token "${principal.name}" (roles ${principal.roles.join(', ') || 'none'})`;
    case 'node':
      return `node "${principal.name}"`;
    case 'anonymous':
      return 'an anonymous caller';
  }
}
