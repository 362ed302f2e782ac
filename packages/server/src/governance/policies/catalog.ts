import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/auth.js';
import { AuroraError } from '../../platform/http/errors.js';
import type { AuditLog } from '../audit/audit-log.js';
import { actorOf } from '../audit/recorder.js';
import { type Authorizer, describePrincipal } from '../authz/authorizer.js';
import { type PolicyDocument, PolicyEngine, PolicyValidationError } from '../authz/engine.js';
import { FALLBACK_DOCUMENTS, SHIPPED_DOCUMENTS } from '../authz/policies.js';
import type { PolicyRepo, PolicyTx, PolicyVersionRow } from './policy-repo.js';

/** What every policy set must still allow, so policies can always be repaired through the API. */
const MANAGEMENT_ACTIONS = ['policy.read', 'policy.update'] as const;
const BOOTSTRAP_ADMIN: Principal = { kind: 'admin' };
/** The Cedar slot candidates are checked in (see PolicyEngine.compileDocuments). */
const CANDIDATE_SLOT = 'aurora-candidate';

export interface PolicyCatalogOptions {
  /** How long a replica trusts the set it loaded before asking the store whether it changed. */
  checkEveryMs: number;
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

const toDocument = (r: PolicyVersionRow): PolicyDocument => ({ id: r.id, text: r.text ?? '' });

/**
 * The stored policy set and its changes. The store is the source of truth:
 * every replica loads the set in force at start and, before deciding a
 * request, at most once per `checkEveryMs` compares the store's generation
 * (the highest version row) with the one it loaded, reloading on a change.
 *
 * A change is validated as part of the whole set it would make, and refused
 * if the bootstrap admin or the caller could no longer read and change
 * policies: no sequence of API calls locks everyone out. `aurora admin
 * reset-token` gives the bootstrap admin a new token, which is therefore
 * always enough to repair the set.
 */
export class PolicyCatalog {
  #generation = -1;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | undefined;
  /** Cedar's messages when the stored set did not compile and the fallback is in force. */
  #fallbackReason: string[] | undefined;

  constructor(
    private readonly repo: PolicyRepo,
    private readonly authorizer: Authorizer,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly options: PolicyCatalogOptions,
  ) {}

  get generation(): number {
    return this.#generation;
  }

  /** Set when the stored set cannot be compiled; only administrators and self-service are allowed then. */
  get fallbackReason(): string[] | undefined {
    return this.#fallbackReason;
  }

  /** Seeds the shipped policies this store has never held, loads the set in force and keeps it fresh. */
  async start(): Promise<void> {
    const seeded = await this.repo.seed(SHIPPED_DOCUMENTS, this.clock.now());
    if (seeded.length > 0) {
      await this.audit.append({
        kind: 'policy.seeded',
        documents: seeded.map((d) => ({ id: d.id, version: 1, sha256: sha256(d.text) })),
      });
    }
    await this.reload();
    this.authorizer.freshenWith(() => this.freshen());
  }

  /** Loads the set in force from the store. */
  async reload(): Promise<void> {
    const { generation, rows } = await this.repo.active();
    try {
      this.authorizer.use(PolicyEngine.compileDocuments(rows.map(toDocument)));
      this.#fallbackReason = undefined;
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      // Only a write that bypassed the API gets here (every API change is validated first).
      this.authorizer.use(PolicyEngine.compileDocuments(FALLBACK_DOCUMENTS));
      this.#fallbackReason = error.messages;
      this.options.log?.('the stored policy set does not compile; only admin and self policies are in force', {
        generation,
        errors: error.messages,
      });
    }
    this.#generation = generation;
    this.#checkedAt = this.clock.now();
  }

  /** Reloads when another replica changed the set; errors keep the set in force (and are logged). */
  freshen(): Promise<void> {
    if (this.clock.now() - this.#checkedAt < this.options.checkEveryMs) return Promise.resolve();
    this.#checking ??= (async () => {
      try {
        const generation = await this.repo.generation();
        if (generation !== this.#generation) await this.reload();
        else this.#checkedAt = this.clock.now();
      } catch (error) {
        this.#checkedAt = this.clock.now();
        this.options.log?.('could not check the policy set for changes; the loaded set stays in force', {
          err: error instanceof Error ? error.message : String(error),
        });
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }

  /** Stores `text` as the next version of `id`; the same text as the latest keeps it. */
  put(id: string, text: string, by: Principal): Promise<{ row: PolicyVersionRow; changed: boolean }> {
    return this.#change(by, async (tx) => {
      const current = await tx.latest(id);
      if (current?.text === text) return { row: current, changed: false };
      const others = (await tx.active()).filter((r) => r.id !== id).map(toDocument);
      this.#check([...others, { id, text }], by);
      return { row: await tx.append(this.#version(id, text, 'put', null, by)), changed: true };
    });
  }

  /** Makes the text of `version` the newest version of `id`. */
  rollback(id: string, version: number, by: Principal): Promise<{ row: PolicyVersionRow; changed: boolean }> {
    return this.#change(by, async (tx) => {
      const current = await tx.latest(id);
      if (!current) throw notFound(id);
      const target = await tx.version(id, version);
      if (!target) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          `version: policy "${id}" has versions 1 to ${current.version}`,
          'version',
        );
      }
      if (target.text === null) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          `version: version ${version} of policy "${id}" is its deletion; pick a version with text (aurora policies history ${id})`,
          'version',
        );
      }
      if (current.text === target.text) return { row: current, changed: false };
      const others = (await tx.active()).filter((r) => r.id !== id).map(toDocument);
      this.#check([...others, { id, text: target.text }], by);
      return { row: await tx.append(this.#version(id, target.text, 'rollback', version, by)), changed: true };
    });
  }

  /** Takes `id` out of force; its versions stay, and a rollback brings it back. */
  async remove(id: string, by: Principal): Promise<void> {
    await this.#change(by, async (tx) => {
      const current = await tx.latest(id);
      if (!current || current.text === null) throw notFound(id);
      const others = (await tx.active()).filter((r) => r.id !== id).map(toDocument);
      this.#check(others, by);
      return { row: await tx.append(this.#version(id, null, 'delete', null, by)), changed: true };
    });
  }

  async #change(
    by: Principal,
    fn: (tx: PolicyTx) => Promise<{ row: PolicyVersionRow; changed: boolean }>,
  ): Promise<{ row: PolicyVersionRow; changed: boolean }> {
    const result = await this.repo.change(fn);
    if (!result.changed) return result;
    const { row } = result;
    await this.audit.append({
      kind: 'policy.changed',
      change: row.change,
      id: row.id,
      version: row.version,
      fromVersion: row.fromVersion,
      sha256: row.text === null ? null : sha256(row.text),
      actor: actorOf(by),
    });
    await this.reload();
    return result;
  }

  #version(id: string, text: string | null, change: string, fromVersion: number | null, by: Principal) {
    return { id, text, change, fromVersion, author: actorOf(by), createdAt: this.clock.now() };
  }

  /** Compiles the set a change would make and refuses it when Cedar does, or when it would lock out policy management. */
  #check(docs: PolicyDocument[], by: Principal): void {
    let engine: PolicyEngine;
    try {
      engine = PolicyEngine.compileDocuments(docs, { slot: CANDIDATE_SLOT });
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      throw new AuroraError(
        'AURORA_POLICY_INVALID',
        `Cedar refused the policy set this change would make: ${error.messages.join('; ')}`,
        'text',
        undefined,
        error.problems,
      );
    }
    const who = by.kind === 'admin' ? [BOOTSTRAP_ADMIN] : [BOOTSTRAP_ADMIN, by];
    for (const principal of who) {
      for (const action of MANAGEMENT_ACTIONS) {
        const decision = this.authorizer.decide({ principal, action }, engine);
        if (decision.outcome === 'allow') continue;
        const because =
          decision.policies.length > 0
            ? `policy ${decision.policies.map((p) => `"${p}"`).join(', ')} would deny it`
            : 'no policy would permit it';
        throw new AuroraError(
          'AURORA_POLICY_LOCKOUT',
          `after this change ${describePrincipal(principal)} could no longer do "${action}" (${because}); ` +
            'the bootstrap admin and the caller must keep reading and changing policies, so nothing was stored. ' +
            'Keep a policy that permits them, e.g. the shipped "admin" policy',
        );
      }
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export const notFound = (id: string) =>
  new AuroraError('AURORA_POLICY_NOT_FOUND', `no policy named "${id}" is in force; list them with GET /v1/policies`);
