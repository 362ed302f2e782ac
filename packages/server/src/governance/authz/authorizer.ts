import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { AuthzDecision, CedarValueJson, EntityJson, EntityUidJson, PolicyEngine } from './engine.js';
import {
  CLUSTER_UID,
  clusterEntity,
  type NodeAttributes,
  nodeEntity,
  type PlaybookIdentity,
  playbookEntity,
  principalEntity,
} from './entities.js';
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

/** Decisions remembered at most (one per agent and source address is the common case). */
const MEMO_LIMIT = 20_000;

/**
 * Authorisation with Cedar for every request and for in-process callers.
 * Holds the current policy set, which a policy change replaces.
 *
 * Decisions are remembered: a Cedar decision is a pure function of the policy set and the request
 * (principal, action, resource, context and the entities they are decided with; no clock, no
 * randomness), and the same agent heartbeating every second asked Cedar the same question each
 * time. The memo's key is the whole request as Cedar sees it, so a principal whose roles or teams
 * changed, a node whose labels changed or a new source address is a different key and is decided
 * afresh at once; the memo belongs to one policy set and is emptied when another is put in force.
 */
export class Authorizer {
  #engine: PolicyEngine;
  #memo = new Map<string, AuthzDecision & { resource: EntityUidJson }>();
  #hits = 0;
  #freshen: (() => Promise<void>) | undefined;

  constructor(
    engine: PolicyEngine,
    private readonly nodeByName: (name: string) => Promise<NodeAttributes | undefined>,
  ) {
    this.#engine = engine;
  }

  get engine(): PolicyEngine {
    return this.#engine;
  }

  /** Puts a newly compiled policy set in force; decisions made with the old one are forgotten. */
  use(engine: PolicyEngine): void {
    this.#engine = engine;
    this.#memo.clear();
  }

  /** Decisions answered from the memo since start, and how many it holds (for tests and metrics). */
  get memoStats(): { hits: number; size: number } {
    return { hits: this.#hits, size: this.#memo.size };
  }

  /** Called before each request is decided, to pick up a policy set another replica stored (see PolicyCatalog). */
  freshenWith(freshen: () => Promise<void>): void {
    this.#freshen = freshen;
  }

  /**
   * The authorisation API: allow, deny or needs-approval, with the policies that decided it.
   * `engine` decides with another set than the one in force (a candidate checked before storing).
   */
  decide(input: DecideInput, engine: PolicyEngine = this.#engine): AuthzDecision & { resource: EntityUidJson } {
    const principal = principalEntity(input.principal);
    if (!principal)
      return {
        outcome: 'deny',
        policies: [],
        errors: ['anonymous callers are never authorised'],
        resource: CLUSTER_UID,
      };
    const resource = input.node ? nodeEntity(input.node) : clusterEntity();
    const context = input.context ?? {};
    const entities: EntityJson[] = [principal, resource];
    const ask = () =>
      engine.decide({ principal: principal.uid, action: input.action, resource: resource.uid, context, entities });
    // A candidate set is asked directly: the memo holds decisions of the set in force only.
    if (engine !== this.#engine) return { ...ask(), resource: resource.uid };
    const key = JSON.stringify([input.action, principal, resource, context]);
    const known = this.#memo.get(key);
    if (known) {
      this.#hits++;
      return { ...known };
    }
    const decision = ask();
    // Frozen, since every caller gets the same lists.
    const kept = Object.freeze({
      outcome: decision.outcome,
      policies: Object.freeze([...decision.policies]) as string[],
      errors: Object.freeze([...decision.errors]) as string[],
      resource: resource.uid,
    });
    // Oldest first out: a Map iterates in insertion order.
    if (this.#memo.size >= MEMO_LIMIT) this.#memo.delete(this.#memo.keys().next().value as string);
    this.#memo.set(key, kept);
    return { ...kept };
  }

  /** Decides an action a playbook run would take on a node (or the cluster), the playbook being the principal. */
  decidePlaybook(input: {
    playbook: PlaybookIdentity;
    action: string;
    node?: NodeAttributes | undefined;
    context?: Record<string, CedarValueJson>;
  }): AuthzDecision & { resource: EntityUidJson } {
    const principal = playbookEntity(input.playbook);
    const resource = input.node ? nodeEntity(input.node) : clusterEntity();
    const decision = this.#engine.decide({
      principal: principal.uid,
      action: input.action,
      resource: resource.uid,
      context: input.context ?? {},
      entities: [principal, resource],
    });
    return { ...decision, resource: resource.uid };
  }

  /** The hook's half: decides the matched route for the request's principal; throws 403 unless allowed. */
  async authorizeRequest(request: FastifyRequest): Promise<void> {
    await this.#freshen?.();
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
    const who = describePrincipal(request.principal);
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

/** A principal as error messages name it. */
export function describePrincipal(principal: Principal): string {
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
