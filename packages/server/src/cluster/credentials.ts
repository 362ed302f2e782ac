import { hashSecret } from '../platform/http/auth.js';
import type { Store } from '../platform/store/index.js';

/** How long a resolved credential is trusted before the store is asked again (bounds staleness across replicas). */
const DEFAULT_TTL_MS = 30_000;

/**
 * Resolves node credentials to nodes with a small cache, so 1,000 heartbeats
 * a second do not cost 1,000 lookups; deletion on this replica evicts at once.
 */
export class NodeCredentialCache {
  #byHash = new Map<string, { nodeId: string; name: string; until: number }>();
  #byId = new Map<string, { name: string; until: number }>();
  readonly #ttlMs: number;

  /**
   * `ttlMs` bounds how stale an entry may get when other replicas can delete
   * nodes; with the embedded store one process does every delete and evicts at
   * once, so it passes `Infinity` and a fleet costs no periodic re-reads.
   */
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    ttlMs: number = DEFAULT_TTL_MS,
  ) {
    this.#ttlMs = ttlMs;
  }

  /** Records a credential issued by this process (at join), so the node's first heartbeat needs no lookup. */
  remember(credentialHash: string, node: { nodeId: string; name: string }): void {
    this.#set(credentialHash, node.nodeId, node.name, this.now());
  }

  /** Resolves a node credential to its node, or undefined when unknown or deleted. */
  resolve(credential: string): Promise<{ nodeId: string; name: string } | undefined> {
    return this.resolveHash(hashSecret(credential));
  }

  /** Like {@link resolve}, for a caller that already holds the credential's SHA-256 hex. */
  async resolveHash(hash: string): Promise<{ nodeId: string; name: string } | undefined> {
    const cached = this.#byHash.get(hash);
    const now = this.now();
    if (cached && cached.until > now) return { nodeId: cached.nodeId, name: cached.name };
    const row = await this.store.nodes.byCredentialHash(hash);
    if (!row) {
      this.#byHash.delete(hash);
      return undefined;
    }
    this.#set(hash, row.id, row.name, now);
    return { nodeId: row.id, name: row.name };
  }

  /**
   * Resolves the node a verified client certificate names by its id, or undefined
   * when that node was deleted: deleting a node revokes its certificates.
   */
  async resolveId(nodeId: string): Promise<{ nodeId: string; name: string } | undefined> {
    const cached = this.#byId.get(nodeId);
    const now = this.now();
    if (cached && cached.until > now) return { nodeId, name: cached.name };
    const row = await this.store.nodes.byId(nodeId);
    if (!row) {
      this.#byId.delete(nodeId);
      return undefined;
    }
    if (this.#byId.size > 100_000) this.#byId.clear();
    this.#byId.set(nodeId, { name: row.name, until: now + this.#ttlMs });
    return { nodeId, name: row.name };
  }

  #set(hash: string, nodeId: string, name: string, now: number): void {
    if (this.#byHash.size > 100_000) this.#byHash.clear();
    this.#byHash.set(hash, { nodeId, name, until: now + this.#ttlMs });
  }

  /** Forgets a node, e.g. after it is deleted. */
  evict(nodeId: string): void {
    this.#byId.delete(nodeId);
    for (const [hash, entry] of this.#byHash) if (entry.nodeId === nodeId) this.#byHash.delete(hash);
  }
}
