import type { MetricSample } from '@aurora/sdk';
import { asc, inArray, sql } from 'drizzle-orm';
import type { Db } from './engine.js';
import { insertTransitions, type NodeRow, type NodeTransitionRow } from './node-repo.js';
import { metricBatches, metricSamples, nodes } from './schema.js';

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
>;

/** Outcome of one flush. */
export interface IngestResult {
  /** Node rows after the update, by id; nodes deleted meanwhile are absent. */
  updated: Map<string, HeartbeatNodeUpdate>;
  transitions: NodeTransitionRow[];
  /** `${nodeId}/${batchId}` of batches stored by this flush (not replays). */
  storedBatches: Set<string>;
}

/** Rows per INSERT statement: well under PostgreSQL's 65,535 bind parameters. */
const SAMPLE_CHUNK = 8_000;

/**
 * Writes many heartbeats in one transaction with a handful of multi-row
 * statements: batched writes are ~25x faster than row-at-a-time on PGlite.
 */
export class IngestRepo {
  constructor(private readonly db: Db) {}

  async apply(
    writes: HeartbeatWrite[],
    decide: (rows: NodeRow[]) => { updates: HeartbeatNodeUpdate[]; transitions: NodeTransitionRow[] },
  ): Promise<IngestResult> {
    const ids = [...new Set(writes.map((w) => w.nodeId))];
    return this.db.transaction(async (tx) => {
      const rows = await tx.select().from(nodes).where(inArray(nodes.id, ids)).orderBy(asc(nodes.id)).for('update');
      const { updates, transitions } = decide(rows);
      if (updates.length > 0) {
        const values = sql.join(
          updates.map(
            (u) =>
              sql`(${u.id}, ${JSON.stringify(u.facts)}::jsonb, ${JSON.stringify(u.labels)}::jsonb, ${u.zone}::text, ${JSON.stringify(u.conditions)}::jsonb, ${u.lastHeartbeatAt}::bigint, ${u.state}, ${u.stateReason}, ${u.stateSince}::bigint, ${JSON.stringify(u.health)}::jsonb)`,
          ),
          sql`, `,
        );
        await tx.execute(sql`update nodes set facts = v.facts, labels = v.labels, zone = v.zone, conditions = v.conditions,
          last_heartbeat_at = v.hb, state = v.state, state_reason = v.reason, state_since = v.since, health = v.health
          from (values ${values}) as v(id, facts, labels, zone, conditions, hb, state, reason, since, health)
          where nodes.id = v.id`);
      }
      await insertTransitions(tx, transitions);
      const live = new Set(updates.map((u) => u.id));
      const candidates = new Map<string, { nodeId: string; batchId: string; receivedAt: number }>();
      for (const w of writes) {
        if (!live.has(w.nodeId)) continue;
        for (const b of w.batches)
          candidates.set(`${w.nodeId}/${b.id}`, { nodeId: w.nodeId, batchId: b.id, receivedAt: w.receivedAt });
      }
      const stored = new Set<string>();
      if (candidates.size > 0) {
        const inserted = await tx
          .insert(metricBatches)
          .values([...candidates.values()])
          .onConflictDoNothing()
          .returning({ nodeId: metricBatches.nodeId, batchId: metricBatches.batchId });
        for (const r of inserted) stored.add(`${r.nodeId}/${r.batchId}`);
      }
      const samples: (typeof metricSamples.$inferInsert)[] = [];
      const taken = new Set<string>();
      for (const w of writes) {
        for (const b of w.batches) {
          const key = `${w.nodeId}/${b.id}`;
          if (!stored.has(key) || taken.has(key)) continue;
          taken.add(key);
          for (const s of b.samples) {
            samples.push({
              nodeId: w.nodeId,
              ts: Math.round(s.ts),
              name: s.name,
              labels: s.labels ?? {},
              value: s.value,
              receivedAt: w.receivedAt,
            });
          }
        }
      }
      for (let i = 0; i < samples.length; i += SAMPLE_CHUNK) {
        await tx.insert(metricSamples).values(samples.slice(i, i + SAMPLE_CHUNK));
      }
      return { updated: new Map(updates.map((u) => [u.id, u])), transitions, storedBatches: stored };
    });
  }
}
