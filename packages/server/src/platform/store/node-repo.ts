import { and, asc, desc, eq, getTableColumns, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { arrayParam, type Db, rowsOf, type Tx } from './engine.js';
import { MetricRepo } from './metric-repo.js';
import { agentActions, nodes, nodeTransitions } from './schema.js';

/** A node row as stored. */
export type NodeRow = typeof nodes.$inferSelect;

/** A recorded state change of a node. */
export type NodeTransitionRow = Omit<typeof nodeTransitions.$inferSelect, 'seq'>;

/** Columns a controller may change on a node. */
export type NodeChange = Pick<NodeRow, 'id'> &
  Partial<Pick<NodeRow, 'state' | 'stateReason' | 'stateSince' | 'operatorState' | 'health' | 'conditions'>>;

/** Filters of {@link NodeRepo.list} and {@link NodeRepo.page}. */
export interface NodeFilter {
  state?: string;
  /** All of these labels must match. */
  labels?: Record<string, string>;
  /** The node must have every one of these label keys, whatever their values. */
  hasLabels?: string[];
  /** Part of the name, compared case-insensitively. */
  nameContains?: string;
}

/** What {@link NodeRepo.page} sorts by; ties are broken by name, so every order is total. */
export type NodeSort = 'name' | 'state' | 'zone' | 'lastHeartbeatAt' | 'createdAt';

/** Where a page starts: strictly after this sort value and name, in the page's order. */
export interface NodePagePosition {
  value: string | number;
  name: string;
}

/**
 * The SQL sort expression of each key. Nullable columns are coalesced (no zone sorts as '',
 * no heartbeat as -1) so the keyset comparison below never meets a NULL, which would compare
 * as unknown and silently drop rows from every later page.
 */
const SORT_EXPRESSIONS: Record<NodeSort, SQL> = {
  name: sql`${nodes.name}`,
  state: sql`${nodes.state}`,
  zone: sql`coalesce(${nodes.zone}, '')`,
  lastHeartbeatAt: sql`coalesce(${nodes.lastHeartbeatAt}, -1)`,
  createdAt: sql`${nodes.createdAt}`,
};

/** The value of a row's sort key as the cursor carries it (the same coalescing as the SQL). */
export function sortValueOf(row: NodeRow, sort: NodeSort): string | number {
  switch (sort) {
    case 'name':
      return row.name;
    case 'state':
      return row.state;
    case 'zone':
      return row.zone ?? '';
    case 'lastHeartbeatAt':
      return row.lastHeartbeatAt ?? -1;
    case 'createdAt':
      return row.createdAt;
  }
}

function filterSql(filter: NodeFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.state) where.push(eq(nodes.state, filter.state));
  if (filter.labels && Object.keys(filter.labels).length > 0) {
    where.push(sql`${nodes.labels} @> ${JSON.stringify(filter.labels)}::jsonb`);
  }
  for (const key of filter.hasLabels ?? []) where.push(sql`(${nodes.labels} -> ${key}::text) is not null`);
  // strpos rather than LIKE: the text is matched literally, no escaping of % and _ needed.
  if (filter.nameContains) where.push(sql`strpos(lower(${nodes.name}), lower(${filter.nameContains}::text)) > 0`);
  return where;
}

export type { Tx } from './engine.js';

/** Nodes and their recorded transitions. */
export class NodeRepo {
  constructor(private readonly db: Db) {}

  /** A new node takes its full share of traffic unless told otherwise. */
  async insert(row: Omit<NodeRow, 'trafficShare'> & Partial<Pick<NodeRow, 'trafficShare'>>): Promise<void> {
    await this.db.insert(nodes).values(row);
  }

  async byName(name: string): Promise<NodeRow | undefined> {
    return (await this.db.select().from(nodes).where(eq(nodes.name, name)))[0];
  }

  /**
   * What authorisation needs of a node (its name, labels and zone), without its facts, health and
   * conditions: asked once per node-scoped request, every heartbeat included.
   */
  async attributesByName(
    name: string,
  ): Promise<{ name: string; labels: Record<string, string>; zone: string | null } | undefined> {
    return (
      await this.db
        .select({ name: nodes.name, labels: nodes.labels, zone: nodes.zone })
        .from(nodes)
        .where(eq(nodes.name, name))
    )[0];
  }

  async byId(id: string): Promise<NodeRow | undefined> {
    return (await this.db.select().from(nodes).where(eq(nodes.id, id)))[0];
  }

  /**
   * Replaces the credential of the node that joined with `joinKeyHash` (a join repeated because
   * its answer was lost); returns the node, or undefined when no node has that name and key.
   */
  async reissueCredential(name: string, joinKeyHash: string, credentialHash: string): Promise<NodeRow | undefined> {
    const rows = await this.db
      .update(nodes)
      .set({ credentialHash })
      .where(and(eq(nodes.name, name), eq(nodes.joinKeyHash, joinKeyHash)))
      .returning();
    return rows[0];
  }

  async byCredentialHash(hash: string): Promise<NodeRow | undefined> {
    return (await this.db.select().from(nodes).where(eq(nodes.credentialHash, hash)))[0];
  }

  list(filter: NodeFilter = {}): Promise<NodeRow[]> {
    const where = filterSql(filter);
    return this.db
      .select()
      .from(nodes)
      .where(where.length ? and(...where) : undefined)
      .orderBy(asc(nodes.name));
  }

  /**
   * One page of matching nodes in (sort key, name) order, starting after `after`, keyset-paged
   * so a page costs the same however deep it is; and how many nodes match in all.
   */
  async page(
    filter: NodeFilter,
    page: { sort: NodeSort; order: 'asc' | 'desc'; limit: number; after?: NodePagePosition },
  ): Promise<{ rows: NodeRow[]; total: number }> {
    const where = filterSql(filter);
    const key = SORT_EXPRESSIONS[page.sort];
    const total = this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(nodes)
      .where(where.length ? and(...where) : undefined);
    if (page.after) {
      const { value, name } = page.after;
      const typed = typeof value === 'number' ? sql`${value}::bigint` : sql`${value}::text`;
      where.push(
        page.order === 'asc'
          ? sql`(${key}, ${nodes.name}) > (${typed}, ${name}::text)`
          : sql`(${key}, ${nodes.name}) < (${typed}, ${name}::text)`,
      );
    }
    const dir = page.order === 'asc' ? sql`asc` : sql`desc`;
    const rows = await this.db
      .select()
      .from(nodes)
      .where(where.length ? and(...where) : undefined)
      .orderBy(sql`${key} ${dir}`, sql`${nodes.name} ${dir}`)
      .limit(page.limit);
    return { rows, total: Number((await total)[0]?.n ?? 0) };
  }

  /** Counts nodes per state. */
  async countByState(): Promise<Record<string, number>> {
    const rows = await this.db
      .select({ state: nodes.state, n: sql<number>`count(*)::int` })
      .from(nodes)
      .groupBy(nodes.state);
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  /** Deletes a node with its samples, history and agent actions; returns the deleted row. */
  async deleteByName(name: string): Promise<NodeRow | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.delete(nodes).where(eq(nodes.name, name)).returning();
      if (!row) return undefined;
      await MetricRepo.deleteNode(tx, row.id);
      await tx.delete(nodeTransitions).where(eq(nodeTransitions.nodeId, row.id));
      // Actions queued for a node that is gone could never be delivered; what they did stays in the audit chain.
      await tx.delete(agentActions).where(eq(agentActions.nodeId, row.id));
      return row;
    });
  }

  /**
   * Runs `decide` on the locked rows and writes the changes and transitions
   * it returns, in one transaction. Rows are read without their facts (large
   * and not needed to decide health); `ids` limits the rows, `where` filters more.
   * `record` runs last in the transaction, after the writes (the audit entry of a
   * controller's decision, which must commit with it).
   */
  async mutate(
    ids: string[] | undefined,
    decide: (rows: NodeRow[]) => { changes: NodeChange[]; transitions: NodeTransitionRow[] },
    where?: SQL,
    fence?: SQL,
    record?: (tx: Tx) => Promise<void>,
  ): Promise<{ changes: NodeChange[]; transitions: NodeTransitionRow[] }> {
    return this.db.transaction(async (tx) => {
      if (fence && rowsOf(await tx.execute(fence)).length === 0) throw new FencedWriteError();
      const { facts: _facts, ...columns } = getTableColumns(nodes);
      const filters = [ids ? inArray(nodes.id, ids) : undefined, where].filter((f): f is SQL => f !== undefined);
      const rows = await tx
        .select(columns)
        .from(nodes)
        .where(filters.length ? and(...filters) : undefined)
        .orderBy(asc(nodes.id))
        .for('update');
      const result = decide(rows.map((r) => ({ ...r, facts: null })));
      for (const { id, ...set } of result.changes) {
        if (Object.keys(set).length > 0) await tx.update(nodes).set(set).where(eq(nodes.id, id));
      }
      await insertTransitions(tx, result.transitions);
      await record?.(tx);
      return result;
    });
  }

  /** Nodes by id, e.g. to publish the full node after a transition. */
  /** Sets the share of their weight the node's service backends keep (null: all of it); undefined when there is no such node. */
  async setTrafficShare(name: string, share: number | null): Promise<NodeRow | undefined> {
    const [row] = await this.db.update(nodes).set({ trafficShare: share }).where(eq(nodes.name, name)).returning();
    return row;
  }

  byIds(ids: string[]): Promise<NodeRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.select().from(nodes).where(inArray(nodes.id, ids));
  }

  /**
   * The recorded transitions of one node, newest first, with their `seq`.
   * Ordered by `seq`, the order they were written under the node's row
   * lock, rather than by `at`: replicas' clocks may disagree, the chain of
   * from/to states may not. `before` pages: only transitions with a smaller `seq`.
   */
  transitions(
    nodeId: string,
    page: { limit?: number; before?: number } = {},
  ): Promise<(NodeTransitionRow & { seq: number })[]> {
    const where = [eq(nodeTransitions.nodeId, nodeId)];
    if (page.before !== undefined) where.push(lt(nodeTransitions.seq, page.before));
    return this.db
      .select()
      .from(nodeTransitions)
      .where(and(...where))
      .orderBy(desc(nodeTransitions.seq))
      .limit(page.limit ?? 100);
  }
}

/** A controller write refused because its replica no longer holds leadership at its epoch. */
export class FencedWriteError extends Error {
  constructor() {
    super('write refused: this replica is no longer the leader (its lease epoch was superseded)');
    this.name = 'FencedWriteError';
  }
}

/** Inserts transitions in one statement. */
export async function insertTransitions(tx: Tx, rows: NodeTransitionRow[]): Promise<void> {
  const statement = insertTransitionsStatement(rows);
  if (statement) await tx.execute(statement);
}

/**
 * The insert of `rows` in their order (so `seq` follows it), as one statement
 * whose rows travel as array parameters; the heartbeat flush folds it into
 * its write. Undefined when there is nothing to insert.
 */
export function insertTransitionsStatement(rows: NodeTransitionRow[]): SQL | undefined {
  if (rows.length === 0) return undefined;
  const column = (f: (r: NodeTransitionRow) => unknown, type: string) => arrayParam(rows.map(f), type);
  return sql`insert into node_transitions (node_id, at, from_state, to_state, reason)
    select node_id, at, from_state, to_state, reason from unnest(${column((r) => r.nodeId, 'text')},
      ${column((r) => r.at, 'bigint')}, ${column((r) => r.fromState, 'text')}, ${column((r) => r.toState, 'text')},
      ${column((r) => r.reason, 'text')})
    with ordinality as t(node_id, at, from_state, to_state, reason, ord) order by ord`;
}
