/**
 * The one Drizzle schema of the control plane, shared by both engines
 * (PGlite and PostgreSQL). Migrations in `packages/server/drizzle/` are
 * generated from it with `npx drizzle-kit generate` in packages/server.
 * Times are milliseconds since the epoch in `bigint` columns so that agent
 * and server times are compared without time-zone conversions.
 */
import type { NodeCondition, NodeFacts } from '@aurora/sdk';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

const ms = (name: string) => bigint(name, { mode: 'number' });

/** Machine state of the health state machine kept beside the node row, so a new leader resumes it. */
export interface StoredHealth {
  joinedAt: number;
  healthySince: number | null;
  failures: number[];
  observedAt: number;
}

/** Nodes that joined the cluster. */
export const nodes = pgTable('nodes', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  state: text('state').notNull(),
  stateReason: text('state_reason').notNull(),
  stateSince: ms('state_since').notNull(),
  labels: jsonb('labels').$type<Record<string, string>>().notNull(),
  zone: text('zone'),
  facts: jsonb('facts').$type<NodeFacts>(),
  conditions: jsonb('conditions').$type<NodeCondition[]>().notNull(),
  credentialHash: text('credential_hash').notNull().unique(),
  lastHeartbeatAt: ms('last_heartbeat_at'),
  operatorState: text('operator_state'),
  health: jsonb('health').$type<StoredHealth>().notNull(),
  createdAt: ms('created_at').notNull(),
});

/** Join tokens; only the SHA-256 of the secret is stored. */
export const joinTokens = pgTable('join_tokens', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  description: text('description').notNull(),
  expiresAt: ms('expires_at').notNull(),
  usesRemaining: integer('uses_remaining').notNull(),
  createdAt: ms('created_at').notNull(),
});

/**
 * Metric samples, one row per batch an agent sent: the batch id makes a
 * replay a no-op, and the samples travel as one compact JSON text (see
 * `sample-chunk.ts`). A row per sample cost about five times as much to
 * insert on the embedded store, which decided how many nodes one process
 * can take. `ts_min`/`ts_max` bound the agent timestamps inside, so a range
 * query reads only the chunks that overlap it; `received_at` is the
 * server's clock and drives retention.
 */
export const metricChunks = pgTable(
  'metric_chunks',
  {
    nodeId: text('node_id').notNull(),
    batchId: text('batch_id').notNull(),
    receivedAt: ms('received_at').notNull(),
    tsMin: ms('ts_min').notNull(),
    tsMax: ms('ts_max').notNull(),
    sampleCount: integer('sample_count').notNull(),
    samples: text('samples').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.nodeId, t.batchId] }),
    index('metric_chunks_range_idx').on(t.nodeId, t.tsMax),
    // BRIN: received_at grows with insertion, so a block-range index serves the retention sweep at almost no write cost.
    index('metric_chunks_received_brin').using('brin', t.receivedAt),
  ],
);

/** Recorded state transitions of nodes, with their reasons. */
export const nodeTransitions = pgTable(
  'node_transitions',
  {
    /** Insertion order, to order transitions that happen in the same millisecond. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    nodeId: text('node_id').notNull(),
    at: ms('at').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    reason: text('reason').notNull(),
  },
  // History pages read one node's transitions newest first by seq; without this a node with a long history sorts it all.
  (t) => [index('node_transitions_node_seq_idx').on(t.nodeId, t.seq)],
);

/** Leases that elect one replica to run the controllers; `epoch` fences a deposed holder. */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  epoch: ms('epoch').notNull(),
  expiresAt: ms('expires_at').notNull(),
});

/** Small key/value settings, e.g. the admin token's hash. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** All tables, for Drizzle's relational typing. */
export const schema = { nodes, joinTokens, metricChunks, nodeTransitions, settings, leases };
