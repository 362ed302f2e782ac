import type { MetricSample } from '@aurora/sdk';
import { asc, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from './engine.js';
import { insertTransitions, type NodeRow, type NodeTransitionRow, type Tx } from './node-repo.js';
import { encodeChunk } from './sample-chunk.js';
import { nodes } from './schema.js';

/** One heartbeat to apply. */
export interface HeartbeatWrite {
  nodeId: string;
  receivedAt: number;
  batches: { id: string; samples: MetricSample[] }[];
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

/** Encoded sample text per INSERT: bounds one statement's memory while keeping statements few. */
const STATEMENT_BYTES = 8 * 1024 * 1024;

/** One array-valued bind parameter (drizzle would otherwise expand a JS array into a list). */
const arr = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/** The node columns a flush reads: everything but the facts, which it overwrites anyway. */
const { facts: _facts, ...lockColumns } = getTableColumns(nodes);

/**
 * Writes many heartbeats in one transaction with a handful of statements whose
 * rows travel as array parameters (`unnest`): building one bind parameter per
 * value costs more than the write itself at thousands of rows.
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
      await updateNodes(tx, updates);
      await insertTransitions(tx, transitions);
      const live = new Set(updates.map((u) => u.id));
      const stored = await insertChunks(
        tx,
        writes.filter((w) => live.has(w.nodeId)),
      );
      return { updated: new Map(updates.map((u) => [u.id, u])), transitions, storedBatches: stored };
    });
  }
}

async function updateNodes(tx: Tx, updates: HeartbeatNodeUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  const json = (f: (u: HeartbeatNodeUpdate) => unknown) => updates.map((u) => JSON.stringify(f(u)));
  const unlessUnchanged = (f: (u: HeartbeatNodeUpdate) => unknown) =>
    updates.map((u) => (u.factsUnchanged ? null : JSON.stringify(f(u))));
  await tx.execute(sql`update nodes set facts = case when v.kept then nodes.facts else v.facts end,
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
    where nodes.id = v.id`);
}

/**
 * Stores each new batch as one chunk row, skipping batch ids already stored
 * (a replay); returns `${nodeId}/${batchId}` of the chunks this call stored.
 */
async function insertChunks(tx: Tx, writes: HeartbeatWrite[]): Promise<Set<string>> {
  const stored = new Set<string>();
  const seen = new Set<string>();
  const nodeId: string[] = [];
  const batchId: string[] = [];
  const receivedAt: number[] = [];
  const tsMin: number[] = [];
  const tsMax: number[] = [];
  const count: number[] = [];
  const text: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (nodeId.length === 0) return;
    const result = await tx.execute(sql`insert into metric_chunks
      (node_id, batch_id, received_at, ts_min, ts_max, sample_count, samples)
      select * from unnest(${arr(nodeId, 'text')}, ${arr(batchId, 'text')}, ${arr(receivedAt, 'bigint')},
        ${arr(tsMin, 'bigint')}, ${arr(tsMax, 'bigint')}, ${arr(count, 'integer')}, ${arr(text, 'text')})
      on conflict do nothing returning node_id, batch_id`);
    for (const r of rowsOf<{ node_id: string; batch_id: string }>(result)) stored.add(`${r.node_id}/${r.batch_id}`);
    for (const column of [nodeId, batchId, receivedAt, tsMin, tsMax, count, text]) column.length = 0;
    bytes = 0;
  };
  for (const w of writes) {
    for (const b of w.batches) {
      const key = `${w.nodeId}/${b.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const chunk = encodeChunk(b.samples);
      nodeId.push(w.nodeId);
      batchId.push(b.id);
      receivedAt.push(w.receivedAt);
      tsMin.push(chunk.tsMin);
      tsMax.push(chunk.tsMax);
      count.push(chunk.count);
      text.push(chunk.text);
      bytes += chunk.text.length;
      if (bytes >= STATEMENT_BYTES) await flush();
    }
  }
  await flush();
  return stored;
}

/** Rows of a raw `execute`, which PGlite and node-postgres both return under `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
