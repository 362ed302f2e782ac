import type { MetricSample } from '@aurora/sdk';
import { asc, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from './engine.js';
import { insertTransitions, type NodeRow, type NodeTransitionRow, type Tx } from './node-repo.js';
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

/** Samples per INSERT: bounds one statement's memory while keeping statements few. */
const SAMPLE_CHUNK = 20_000;

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
      const stored = await insertBatches(
        tx,
        writes.filter((w) => live.has(w.nodeId)),
      );
      await insertSamples(tx, writes, stored);
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

/** Inserts batch ids, ignoring ones already stored; returns `${nodeId}/${batchId}` of the new ones. */
async function insertBatches(tx: Tx, writes: HeartbeatWrite[]): Promise<Set<string>> {
  const candidates = new Map<string, { nodeId: string; batchId: string; receivedAt: number }>();
  for (const w of writes) {
    for (const b of w.batches) {
      candidates.set(`${w.nodeId}/${b.id}`, { nodeId: w.nodeId, batchId: b.id, receivedAt: w.receivedAt });
    }
  }
  const stored = new Set<string>();
  if (candidates.size === 0) return stored;
  const list = [...candidates.values()];
  const result = await tx.execute<{
    node_id: string;
    batch_id: string;
  }>(sql`insert into metric_batches (node_id, batch_id, received_at)
    select * from unnest(${arr(
      list.map((c) => c.nodeId),
      'text',
    )}, ${arr(
      list.map((c) => c.batchId),
      'text',
    )}, ${arr(
      list.map((c) => c.receivedAt),
      'bigint',
    )})
    on conflict do nothing returning node_id, batch_id`);
  for (const r of rowsOf<{ node_id: string; batch_id: string }>(result)) stored.add(`${r.node_id}/${r.batch_id}`);
  return stored;
}

async function insertSamples(tx: Tx, writes: HeartbeatWrite[], stored: Set<string>): Promise<void> {
  const nodeId: string[] = [];
  const ts: number[] = [];
  const name: string[] = [];
  // Unlabelled samples (most of them) travel as NULL and become one constant '{}' in SQL, not a jsonb parse per row.
  const labels: (string | null)[] = [];
  const value: number[] = [];
  const receivedAt: number[] = [];
  const taken = new Set<string>();
  const flush = async () => {
    if (nodeId.length === 0) return;
    await tx.execute(sql`insert into metric_samples (node_id, ts, name, labels, value, received_at)
      select n, t, k, coalesce(l, '{}'::jsonb), v, r from unnest(${arr(nodeId, 'text')}, ${arr(ts, 'bigint')}, ${arr(name, 'text')}, ${arr(labels, 'jsonb')}, ${arr(value, 'float8')}, ${arr(receivedAt, 'bigint')}) as u(n, t, k, l, v, r)`);
    for (const a of [nodeId, ts, name, labels, value, receivedAt]) a.length = 0;
  };
  for (const w of writes) {
    for (const b of w.batches) {
      const key = `${w.nodeId}/${b.id}`;
      if (!stored.has(key) || taken.has(key)) continue;
      taken.add(key);
      for (const s of b.samples) {
        nodeId.push(w.nodeId);
        ts.push(Math.round(s.ts));
        name.push(s.name);
        labels.push(s.labels ? JSON.stringify(s.labels) : null);
        value.push(s.value);
        receivedAt.push(w.receivedAt);
        if (nodeId.length >= SAMPLE_CHUNK) await flush();
      }
    }
  }
  await flush();
}

/** Rows of a raw `execute`, which PGlite and node-postgres both return under `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
