import { hashSecret } from '../platform/http/auth.js';
import type { Store } from '../platform/store/index.js';

/** How long a resolved credential is trusted before the store is asked again (bounds staleness across replicas). */
const TTL_MS = 30_000;

/**
 * Resolves node credentials to nodes with a small cache, so 1,000 heartbeats
 * a second do not cost 1,000 lookups; deletion on this replica evicts at once.
 */
export class NodeCredentialCache {
  #byHash = new Map<string, { nodeId: string; name: string; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  async resolve(credential: string): Promise<{ nodeId: string; name: string } | undefined> {
    const hash = hashSecret(credential);
    const cached = this.#byHash.get(hash);
    const now = this.now();
    if (cached && cached.until > now) return { nodeId: cached.nodeId, name: cached.name };
    const row = await this.store.nodes.byCredentialHash(hash);
    if (!row) {
      this.#byHash.delete(hash);
      return undefined;
    }
    if (this.#byHash.size > 100_000) this.#byHash.clear();
    this.#byHash.set(hash, { nodeId: row.id, name: row.name, until: now + TTL_MS });
    return { nodeId: row.id, name: row.name };
  }

  /** Forgets a node, e.g. after it is deleted. */
  evict(nodeId: string): void {
    for (const [hash, entry] of this.#byHash) if (entry.nodeId === nodeId) this.#byHash.delete(hash);
  }
}
