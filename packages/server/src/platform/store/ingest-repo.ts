import { asc, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import { arrayParam as arr, type Db, rowsOf } from './engine.js';
import { type HeadRow, headRowsSelect } from './head-rows.js';
import { insertTransitionsStatement, type NodeRow, type NodeTransitionRow } from './node-repo.js';
import { nodes } from './schema.js';

/** One heartbeat to apply: its batch ids and, for each, the accepted samples as a head row. */
export interface HeartbeatWrite {
  nodeId: string;
  receivedAt: number;
  batches: { id: string; head: HeadRow | undefined }[];
}

/** Node columns a heartbeat sets, decided from the locked row. */
export type HeartbeatNodeUpdate = Pick<
  NodeRow,
  | 'id'
  | 'facts'
  | 'labels'
  | 'zone'
  | 'conditions'
  | 'lastHeartbeatAt'
  | 'state'
  | 'stateReason'
  | 'stateSince'
  | 'health'
> & {
  /**
   * The facts, labels and zone equal the stored ones, so the write keeps the
   * stored values instead of sending and re-parsing the same JSON.
   */
  factsUnchanged?: boolean;
};

/** Outcome of one flush. */
export interface IngestResult {
  /** Node rows after the update, by id; nodes deleted meanwhile are absent. */
  updated: Map<string, HeartbeatNodeUpdate>;
  transitions: NodeTransitionRow[];
  /** `${nodeId}/${batchId}` of batches stored by this flush (not replays). */
  storedBatches: Set<string>;
}

/** Samples per INSERT: bounds one statement's memory while keeping statements few. */
const STATEMENT_SAMPLES = 500_000;

/** The node columns a flush reads: everything but the facts, which it overwrites anyway. */
const { facts: _facts, ...lockColumns } = getTableColumns(nodes);

/**
 * Writes many heartbeats in one transaction of two statements: one locks
 * the node rows, one writes node changes, transitions, batch ids and head
 * rows of samples (data-modifying CTEs). Rows travel as array parameters (`unnest`), since
 * building one bind parameter per value costs more than the write itself at
 * thousands of rows. Few statements matter on the embedded store, where
 * each costs about a millisecond of protocol round trips and planning
 * whatever its size: that fixed cost, not the rows, dominated small flushes.
 */
export class IngestRepo {
  constructor(private readonly db: Db) {}

  async apply(
    writes: HeartbeatWrite[],
    decide: (rows: NodeRow[]) => { updates: HeartbeatNodeUpdate[]; transitions: NodeTransitionRow[] },
  ): Promise<IngestResult> {
    const ids = [...new Set(writes.map((w) => w.nodeId))];
    return this.db.transaction(async (tx) => {
      const locked = await tx
        .select(lockColumns)
        .from(nodes)
        .where(inArray(nodes.id, ids))
        .orderBy(asc(nodes.id))
        .for('update');
      const { updates, transitions } = decide(locked.map((r) => ({ ...r, facts: null })));
      const live = new Set(updates.map((u) => u.id));
      const [first, ...rest] = groupBatches(writes.filter((w) => live.has(w.nodeId)));
      const steps = [updateNodesStep(updates), insertTransitionsStatement(transitions)].filter((x) => x !== undefined);
      const stored = new Set<string>();
      const collect = (result: unknown) => {
        for (const r of rowsOf<{ node_id: string; batch_id: string }>(result)) stored.add(`${r.node_id}/${r.batch_id}`);
      };
      if (first || steps.length > 0) {
        const ctes = steps.map((step, i) => sql`${sql.raw(`w${i}`)} as (${step})`);
        const batches = first ? batchSteps(first) : undefined;
        if (batches) ctes.push(...batches.ctes);
        const final = batches?.final ?? sql`select null as node_id, null as batch_id where false`;
        collect(await tx.execute(sql`with ${sql.join(ctes, sql`, `)} ${final}`));
      }
      // Only a flush carrying more than STATEMENT_SAMPLES samples gets here.
      for (const group of rest) {
        const { ctes, final } = batchSteps(group);
        collect(await tx.execute(sql`with ${sql.join(ctes, sql`, `)} ${final}`));
      }
      return { updated: new Map(updates.map((u) => [u.id, u])), transitions, storedBatches: stored };
    });
  }
}

function updateNodesStep(updates: HeartbeatNodeUpdate[]): SQL | undefined {
  if (updates.length === 0) return undefined;
  const json = (f: (u: HeartbeatNodeUpdate) => unknown) => updates.map((u) => JSON.stringify(f(u)));
  const unlessUnchanged = (f: (u: HeartbeatNodeUpdate) => unknown) =>
    updates.map((u) => (u.factsUnchanged ? null : JSON.stringify(f(u))));
  return sql`update nodes set facts = case when v.kept then nodes.facts else v.facts end,
    labels = case when v.kept then nodes.labels else v.labels end,
    zone = case when v.kept then nodes.zone else v.zone end, conditions = v.conditions,
    last_heartbeat_at = v.hb, state = v.state, state_reason = v.reason, state_since = v.since, health = v.health
    from unnest(${arr(
      updates.map((u) => u.id),
      'text',
    )}, ${arr(
      updates.map((u) => u.factsUnchanged === true),
      'boolean',
    )}, ${arr(
      unlessUnchanged((u) => u.facts),
      'jsonb',
    )}, ${arr(
      unlessUnchanged((u) => u.labels),
      'jsonb',
    )}, ${arr(
      updates.map((u) => u.zone),
      'text',
    )}, ${arr(
      json((u) => u.conditions),
      'jsonb',
    )}, ${arr(
      updates.map((u) => u.lastHeartbeatAt),
      'bigint',
    )}, ${arr(
      updates.map((u) => u.state),
      'text',
    )}, ${arr(
      updates.map((u) => u.stateReason),
      'text',
    )}, ${arr(
      updates.map((u) => u.stateSince),
      'bigint',
    )}, ${arr(
      json((u) => u.health),
      'jsonb',
    )})
    as v(id, kept, facts, labels, zone, conditions, hb, state, reason, since, health)
    where nodes.id = v.id`;
}

/** Batches of a flush: their keys, and head rows for those with accepted samples. */
interface BatchGroup {
  nodeId: string[];
  batchId: string[];
  receivedAt: number[];
  heads: HeadRow[];
  headKeys: { nodeId: string; batchId: string }[];
}

/**
 * Groups each batch once (a batch repeated within the flush is one row), in
 * groups of at most STATEMENT_SAMPLES samples.
 */
function groupBatches(writes: HeartbeatWrite[]): BatchGroup[] {
  const groups: BatchGroup[] = [];
  const seen = new Set<string>();
  let group: BatchGroup | undefined;
  let samples = 0;
  for (const w of writes) {
    for (const b of w.batches) {
      const key = `${w.nodeId}/${b.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const n = b.head?.ts.length ?? 0;
      if (!group || samples + n > STATEMENT_SAMPLES) {
        group = { nodeId: [], batchId: [], receivedAt: [], heads: [], headKeys: [] };
        groups.push(group);
        samples = 0;
      }
      group.nodeId.push(w.nodeId);
      group.batchId.push(b.id);
      group.receivedAt.push(w.receivedAt);
      if (b.head) {
        group.heads.push(b.head);
        group.headKeys.push({ nodeId: w.nodeId, batchId: b.id });
      }
      samples += n;
    }
  }
  return groups;
}

/**
 * Records batch ids, skipping those already stored (a replay), and writes
 * the head rows of only the new ones; the final select returns the node and
 * batch ids it stored.
 */
function batchSteps(g: BatchGroup): { ctes: SQL[]; final: SQL } {
  const ctes = [
    sql`g as (insert into metric_batches (node_id, batch_id, received_at)
    select * from unnest(${arr(g.nodeId, 'text')}, ${arr(g.batchId, 'text')}, ${arr(g.receivedAt, 'bigint')})
    on conflict do nothing returning node_id, batch_id)`,
  ];
  if (g.heads.length > 0) {
    const keys = [
      arr(
        g.headKeys.map((k) => k.nodeId),
        'text',
      ),
      arr(
        g.headKeys.map((k) => k.batchId),
        'text',
      ),
    ];
    ctes.push(sql`h as (insert into metric_head (source, received_at, ts_min, ts_max, sample_count, series_ids, ts, vals)
      select hs.s, hs.r, hs.a, hs.b, hs.n, hs.i, hs.t, hs.v from (${headRowsSelect(g.heads, keys, ['nid', 'bid'])}) hs
      join g on g.node_id = hs.nid and g.batch_id = hs.bid)`);
  }
  return { ctes, final: sql`select node_id, batch_id from g` };
}
