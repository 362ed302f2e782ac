/**
 * Actions for node agents, queued per node in the store and delivered in heartbeat answers. The
 * agent reports each result with a later heartbeat; an action without a result is delivered again
 * (the agent answers a repeated id from its journal without acting again) until it expires.
 *
 * Every heartbeat asks whether its node has open actions. So that the common answer, "none", costs
 * no query, each replica keeps the set of nodes with open actions, re-read from the store at most
 * every `refreshMs` (one index scan) and updated at once for actions this replica queues.
 */
import type { AgentAction, AgentActionKind, AgentActionResult, NodeAction } from '@aurora/sdk';
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { arrayParam as arr, type Db } from '../../platform/store/engine.js';
import { agentActions, nodes } from '../../platform/store/schema.js';

type Row = typeof agentActions.$inferSelect;

const OPEN = ['pending', 'delivered'] as const;
/** Statuses a reported result may overwrite: an action that expired still records what the agent did. */
const AWAITING = ['pending', 'delivered', 'expired'] as const;
/** Actions delivered in one heartbeat answer. */
const MAX_DELIVERED = 32;

export interface EnqueueRequest {
  id: string;
  node: string;
  kind: AgentActionKind;
  params: Record<string, unknown>;
  expiresAt: number;
  requestedBy: string;
}

export class UnknownNodeError extends Error {
  constructor(readonly node: string) {
    super(`no node named "${node}"`);
    this.name = 'UnknownNodeError';
  }
}

/** The row as the API shows it. */
export function toNodeAction(row: Row): NodeAction {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    node: row.node,
    kind: row.kind,
    params: row.params,
    status: row.status as NodeAction['status'],
    details: row.details ?? null,
    createdAt: new Date(row.createdAt).toISOString(),
    deliveredAt: iso(row.deliveredAt),
    finishedAt: iso(row.finishedAt),
    expiresAt: new Date(row.expiresAt).toISOString(),
  };
}

export class AgentActionQueue {
  #open = new Set<string>();
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly refreshMs = 1_000,
  ) {}

  /** Queues an action for a node, or returns the one already queued under this id. */
  async enqueue(request: EnqueueRequest): Promise<Row> {
    const [node] = await this.db.select({ id: nodes.id }).from(nodes).where(eq(nodes.name, request.node));
    if (!node) throw new UnknownNodeError(request.node);
    const now = this.now();
    await this.db
      .insert(agentActions)
      .values({
        id: request.id,
        nodeId: node.id,
        node: request.node,
        kind: request.kind,
        params: request.params,
        status: 'pending',
        createdAt: now,
        expiresAt: request.expiresAt,
        requestedBy: request.requestedBy,
      })
      .onConflictDoNothing();
    const row = await this.get(request.id);
    if (!row) throw new Error(`action ${request.id} vanished after it was queued`);
    if (row.status === 'pending' || row.status === 'delivered') this.#open.add(row.nodeId);
    return row;
  }

  async get(id: string): Promise<Row | undefined> {
    const [row] = await this.db.select().from(agentActions).where(eq(agentActions.id, id));
    return row;
  }

  /** Marks an open action expired (no result came in time); false when it had finished meanwhile. */
  async expire(id: string): Promise<boolean> {
    const updated = await this.db
      .update(agentActions)
      .set({ status: 'expired' })
      .where(and(eq(agentActions.id, id), inArray(agentActions.status, [...OPEN])))
      .returning({ id: agentActions.id });
    return updated.length > 0;
  }

  async list(node: string, limit: number): Promise<Row[]> {
    return this.db
      .select()
      .from(agentActions)
      .where(eq(agentActions.node, node))
      .orderBy(desc(agentActions.createdAt))
      .limit(limit);
  }

  async #refresh(): Promise<void> {
    if (this.now() - this.#readAt < this.refreshMs) return;
    this.#reading ??= (async () => {
      try {
        const rows = await this.db
          .selectDistinct({ nodeId: agentActions.nodeId })
          .from(agentActions)
          .where(inArray(agentActions.status, [...OPEN]));
        this.#open = new Set(rows.map((r) => r.nodeId));
        this.#readAt = this.now();
      } finally {
        this.#reading = undefined;
      }
    })();
    await this.#reading;
  }

  /**
   * One heartbeat's exchange: stores the results the agent reports (for its own actions only) and
   * answers the ids stored plus the node's open actions, oldest first. Actions past their expiry are
   * marked expired instead of delivered.
   */
  async exchange(
    nodeId: string,
    results: readonly AgentActionResult[],
  ): Promise<{ stored: string[]; actions: AgentAction[] }> {
    // Acknowledged even when nothing matched (already stored, or not this node's): resending would not change that.
    const stored = results.map((r) => r.id);
    if (results.length > 0) {
      // All results in one statement. An id reported twice keeps its first result, as one stored at a
      // time would: a stored result is final, so the later one matches nothing.
      await this.db.execute(sql`update agent_actions a
        set status = r.status, details = r.details::jsonb, finished_at = ${this.now()}
        from (select distinct on (id) id, status, details
          from unnest(${arr(stored, 'text')}, ${arr(
            results.map((r) => r.status),
            'text',
          )}, ${arr(
            results.map((r) => JSON.stringify(r.details)),
            'text',
          )}) with ordinality as u(id, status, details, n)
          order by id, n) as r
        where a.id = r.id and a.node_id = ${nodeId} and a.status = any(${arr([...AWAITING], 'text')})`);
    }
    await this.#refresh();
    if (!this.#open.has(nodeId)) return { stored, actions: [] };
    const now = this.now();
    await this.db
      .update(agentActions)
      .set({ status: 'expired' })
      .where(
        and(eq(agentActions.nodeId, nodeId), inArray(agentActions.status, [...OPEN]), lte(agentActions.expiresAt, now)),
      );
    const open = await this.db
      .select()
      .from(agentActions)
      .where(and(eq(agentActions.nodeId, nodeId), inArray(agentActions.status, [...OPEN])))
      .orderBy(agentActions.createdAt)
      .limit(MAX_DELIVERED);
    if (open.length === 0) {
      this.#open.delete(nodeId);
      return { stored, actions: [] };
    }
    const fresh = open.filter((r) => r.status === 'pending').map((r) => r.id);
    if (fresh.length > 0) {
      await this.db
        .update(agentActions)
        .set({ status: 'delivered', deliveredAt: now })
        .where(and(inArray(agentActions.id, fresh), eq(agentActions.status, 'pending')));
    }
    const reported = new Set(stored);
    return {
      stored,
      actions: open
        .filter((r) => !reported.has(r.id))
        .map((r) => ({ id: r.id, kind: r.kind, params: r.params }) as AgentAction),
    };
  }

  /** Open actions in all (for the server's own metrics and tests). */
  async openCount(): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(agentActions)
      .where(inArray(agentActions.status, [...OPEN]));
    return Number(row?.n ?? 0);
  }
}
