import { setFlagsFromString } from 'node:v8';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import {
  formatError,
  type PolicyDocument,
  type PolicyInfo,
  PolicyValidationError,
  parseDocuments,
  problem,
  validatePolicies,
} from './policy-text.js';
import { CEDAR_SCHEMA } from './schema.js';

// Node 20's V8 (11.3) aborts the process ("Fatal error ... unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when TurboFan has inlined the JS-to-Wasm wrapper of
// an export returning externref, as every Cedar export does, and the caller is deoptimised
// while the Wasm call runs: its deoptimiser cannot rebuild an externref result (later V8s handle
// kRef/kRefNull in TranslatedValueForWasmReturnKind). A busy control plane hit it after minutes of
// heartbeats. Not inlining these wrappers costs a plain call per decision; it only affects
// code optimised after this line, which runs before any decision is made.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');

export type { CedarValueJson, EntityJson, EntityUidJson } from '@cedar-policy/cedar-wasm/nodejs';
export {
  type PolicyDocument,
  type PolicyInfo,
  type PolicyProblem,
  PolicyValidationError,
} from './policy-text.js';

/**
 * The three outcomes of an authorisation. Cedar itself answers allow or deny;
 * a deny becomes `needs-approval` in exactly one way: every policy that
 * denied it is a `forbid` annotated `@approval("required")`, and the same
 * request with `context.approval` present is allowed.
 */
export type AuthzOutcome = 'allow' | 'deny' | 'needs-approval';

/** One request to decide: who, which action (an `Aurora::Action` id), on what, with which entities. */
export interface AuthzRequest {
  principal: cedar.EntityUidJson;
  action: string;
  resource: cedar.EntityUidJson;
  context: Record<string, cedar.CedarValueJson>;
  entities: cedar.EntityJson[];
}

/** A decision and the policies that made it (permits when allowed, forbids when denied). */
export interface AuthzDecision {
  outcome: AuthzOutcome;
  /** `@id`s of the determining policies; empty on a deny means no policy permitted the request. */
  policies: string[];
  /** Cedar's evaluation errors, if any policy failed to evaluate (such a policy is ignored). */
  errors: string[];
}

const SCHEMA_NAME = 'aurora';
const PENDING_APPROVAL: cedar.CedarValueJson = { id: 'pending', by: 'pending' };
let schemaReady = false;
let nextSetId = 0;

function ensureSchema(): void {
  if (schemaReady) return;
  const answer = cedar.preparseSchema(SCHEMA_NAME, CEDAR_SCHEMA);
  if (answer.type !== 'success') throw new PolicyValidationError(answer.errors.map((e) => problem(e)));
  schemaReady = true;
}

/**
 * A validated, preparsed policy set and the decisions made with it.
 *
 * @example
 * const engine = PolicyEngine.compile(SHIPPED_POLICIES);
 * engine.decide({ principal, action: 'node.drain', resource, context: {}, entities });
 */
export class PolicyEngine {
  readonly #setId: string;
  readonly #byId: Map<string, PolicyInfo>;

  private constructor(
    readonly text: string,
    readonly policies: readonly PolicyInfo[],
    slot: string | undefined,
  ) {
    this.#byId = new Map(policies.map((p) => [p.id, p]));
    this.#setId = slot ?? `aurora-${nextSetId++}`;
    const record: Record<string, string> = {};
    for (const p of policies) record[p.id] = p.text;
    // Cedar keeps preparsed sets per thread; one set per compiled version is kept while the process lives
    // (policy changes are rare), so a decision never reparses text. A candidate checked before it is
    // stored takes a named slot instead, which the next candidate in that slot replaces.
    const answer = cedar.preparsePolicySet(this.#setId, { staticPolicies: record });
    if (answer.type !== 'success') throw new PolicyValidationError(answer.errors.map((e) => problem(e)));
  }

  /** Parses and validates `text` against the schema (strict mode); throws {@link PolicyValidationError} with Cedar's messages. */
  static compile(text: string, documentId = 'policies'): PolicyEngine {
    return PolicyEngine.compileDocuments([{ id: documentId, text }]);
  }

  /**
   * Compiles a set made of several documents (the stored policies in force), validated as one
   * set, so ids clash and schema errors are found before anything is stored.
   */
  static compileDocuments(docs: readonly PolicyDocument[], options: { slot?: string } = {}): PolicyEngine {
    ensureSchema();
    const parsed = parseDocuments(docs);
    validatePolicies(parsed, docs);
    const text = docs.map((d) => d.text).join('\n\n');
    return new PolicyEngine(
      text,
      parsed.map(({ offset: _, ...p }) => p),
      options.slot,
    );
  }

  /** Decides one request; see {@link AuthzOutcome} for how needs-approval is told apart from deny. */
  decide(request: AuthzRequest): AuthzDecision {
    const first = this.#evaluate(request, request.context);
    if (first.decision === 'allow') return { outcome: 'allow', policies: first.reason, errors: first.errors };
    const approvable =
      first.reason.length > 0 &&
      request.context.approval === undefined &&
      first.reason.every((id) => this.#byId.get(id)?.approval === true);
    if (approvable) {
      const approved = this.#evaluate(request, { ...request.context, approval: PENDING_APPROVAL });
      if (approved.decision === 'allow') {
        return { outcome: 'needs-approval', policies: first.reason, errors: first.errors };
      }
    }
    return { outcome: 'deny', policies: first.reason, errors: first.errors };
  }

  #evaluate(
    request: AuthzRequest,
    context: Record<string, cedar.CedarValueJson>,
  ): { decision: 'allow' | 'deny'; reason: string[]; errors: string[] } {
    const answer = cedar.statefulIsAuthorized({
      principal: request.principal,
      action: { type: 'Aurora::Action', id: request.action },
      resource: request.resource,
      context,
      preparsedSchemaName: SCHEMA_NAME,
      validateRequest: true,
      preparsedPolicySetId: this.#setId,
      entities: request.entities,
    });
    if (answer.type !== 'success') {
      // A malformed request (an action not in the schema, a wrong resource type) is denied, with Cedar's reason.
      return { decision: 'deny', reason: [], errors: answer.errors.map(formatError) };
    }
    const { decision, diagnostics } = answer.response;
    return {
      decision,
      reason: diagnostics.reason,
      errors: diagnostics.errors.map((e) => `policy "${e.policyId}": ${formatError(e.error)}`),
    };
  }
}
