/**
 * The one Drizzle schema of the control plane, shared by both engines
 * (PGlite and PostgreSQL). Migrations in `packages/server/drizzle/` are
 * generated from it with `npx drizzle-kit generate` in packages/server.
 * Times are milliseconds since the epoch in `bigint` columns so that agent
 * and server times are compared without time-zone conversions.
 */
import type { NodeCondition, NodeFacts } from '@aurora/sdk';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

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
  /** The join token this node joined with, and the SHA-256 of the agent's join key: a repeated join is recognised by both. */
  joinTokenId: text('join_token_id'),
  joinKeyHash: text('join_key_hash'),
  lastHeartbeatAt: ms('last_heartbeat_at'),
  operatorState: text('operator_state'),
  /** The share of their declared weight the node's service backends keep (set by an operator or a playbook); null is all of it. */
  trafficShare: doublePrecision('traffic_share'),
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
 * Every series Aurora stores: a metric name and a label set (the node's name
 * among them for agent series). `labels_key` is the canonical text of the
 * labels (see `telemetry/series-key.ts`); `source` is what the per-node
 * cardinality limit counts by (`node:<id>`, `instance:<instance>`,
 * `scrape:<target>`), and where the head keeps its uncompacted samples.
 * Series are unique by name and the md5 of `labels_key`; lookups compare
 * both the hash (for the index) and the key itself.
 */
export const metricSeries = pgTable(
  'metric_series',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    labelsKey: text('labels_key').notNull(),
    source: text('source').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    // On a hash of the key: a btree entry holds at most about 2.7 kB, and a label set within
    // LABEL_LIMITS may be far longer (64 values of 2,048 characters).
    uniqueIndex('metric_series_identity').on(t.name, sql`md5(${t.labelsKey})`),
    index('metric_series_source_idx').on(t.source),
  ],
);

/**
 * The head: samples as they arrived, one row per agent batch, remote-write
 * request part or scrape, with parallel arrays of series id, time and value.
 * One row per write keeps ingest at a few rows per heartbeat; the compactor
 * moves closed hours into `series_chunks` and the rollups.
 */
export const metricHead = pgTable(
  'metric_head',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    receivedAt: ms('received_at').notNull(),
    tsMin: ms('ts_min').notNull(),
    tsMax: ms('ts_max').notNull(),
    sampleCount: integer('sample_count').notNull(),
    seriesIds: bigint('series_ids', { mode: 'number' }).array().notNull(),
    ts: bigint('ts', { mode: 'number' }).array().notNull(),
    vals: doublePrecision('vals').array().notNull(),
  },
  (t) => [index('metric_head_source_idx').on(t.source, t.tsMax), index('metric_head_ts_min_idx').on(t.tsMin)],
);

/** Agent batch ids already stored, so a replayed batch is stored once; swept with raw samples. */
export const metricBatches = pgTable(
  'metric_batches',
  {
    nodeId: text('node_id').notNull(),
    batchId: text('batch_id').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.nodeId, t.batchId] }),
    index('metric_batches_received_brin').using('brin', t.receivedAt),
  ],
);

/**
 * Raw samples of one series for one hour (`start`), sorted by time, as
 * arrays SQL can `unnest`; `last_value` at `ts_max` lets the newest sample
 * of a series be read without detoasting the arrays.
 */
export const seriesChunks = pgTable(
  'series_chunks',
  {
    seriesId: bigint('series_id', { mode: 'number' }).notNull(),
    start: ms('start').notNull(),
    tsMin: ms('ts_min').notNull(),
    tsMax: ms('ts_max').notNull(),
    sampleCount: integer('sample_count').notNull(),
    lastValue: doublePrecision('last_value').notNull(),
    ts: bigint('ts', { mode: 'number' }).array().notNull(),
    vals: doublePrecision('vals').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.start] })],
);

/** Columns of a rollup tier: one row per series and span, one array element per bucket. */
const rollupColumns = () => ({
  seriesId: bigint('series_id', { mode: 'number' }).notNull(),
  start: ms('start').notNull(),
  ts: bigint('ts', { mode: 'number' }).array().notNull(),
  mins: doublePrecision('mins').array().notNull(),
  maxs: doublePrecision('maxs').array().notNull(),
  sums: doublePrecision('sums').array().notNull(),
  counts: integer('counts').array().notNull(),
  lasts: doublePrecision('lasts').array().notNull(),
});

/** 1-minute rollups (min, max, sum, count, last), one row per series and hour. */
export const rollups1m = pgTable('rollups_1m', rollupColumns(), (t) => [
  primaryKey({ columns: [t.seriesId, t.start] }),
]);

/** 1-hour rollups, one row per series and UTC day. */
export const rollups1h = pgTable('rollups_1h', rollupColumns(), (t) => [
  primaryKey({ columns: [t.seriesId, t.start] }),
]);

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

/**
 * Predictions of the forecasting capability: one row per episode of "this series will reach its
 * limit", opened when first expected, refreshed while open, closed as came-true or withdrawn, so
 * closed rows give the hit rate. At most one open row per `key` (rule + series).
 */
export const predictions = pgTable(
  'predictions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    rule: text('rule').notNull(),
    kind: text('kind').notNull(),
    seriesName: text('series_name').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    node: text('node'),
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    openedAt: ms('opened_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    closedAt: ms('closed_at'),
    expectedAt: ms('expected_at'),
    earliestAt: ms('earliest_at'),
    latestAt: ms('latest_at'),
    firstExpectedAt: ms('first_expected_at'),
    firstEarliestAt: ms('first_earliest_at'),
    firstLatestAt: ms('first_latest_at'),
    withinFirstInterval: boolean('within_first_interval'),
    level: doublePrecision('level').notNull(),
    current: doublePrecision('current').notNull(),
    /** The value that counts as reached; null for a leak whose capacity is not known. */
    limitValue: doublePrecision('limit_value'),
    trendPerHour: doublePrecision('trend_per_hour').notNull(),
    /** Consecutive refreshes that no longer expected it; it is withdrawn after a few. */
    misses: integer('misses').notNull(),
    /** The leader epoch that last wrote it. */
    epoch: ms('epoch').notNull(),
  },
  (t) => [
    uniqueIndex('predictions_open_key').on(t.key).where(sql`status = 'open'`),
    index('predictions_status_closed_idx').on(t.status, t.closedAt),
  ],
);

/** Leases that elect one replica to run the controllers; `epoch` fences a deposed holder. */
/**
 * The control plane replicas serving now: each writes its row at start and every few seconds, and
 * deletes it on a clean stop. Agents are handed the URLs at join so they can fail over between them.
 */
export const replicas = pgTable('replicas', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** Database clock (ms), so replicas with skewed clocks still agree on who is alive. */
  seenAt: ms('seen_at').notNull(),
});

export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  epoch: ms('epoch').notNull(),
  expiresAt: ms('expires_at').notNull(),
});

/**
 * Each detected series' detector state (the JSON of `Detector.snapshot()`, number arrays packed by
 * `detection/state-codec.ts`), so a new leader or a
 * restart resumes where the last owner stopped; `detector` names the detector that made it.
 */
export const detectionState = pgTable('detection_state', {
  seriesId: bigint('series_id', { mode: 'number' }).primaryKey(),
  detector: text('detector').notNull(),
  state: text('state').notNull(),
  lastTs: ms('last_ts').notNull(),
  points: bigint('points', { mode: 'number' }).notNull(),
  savedAt: ms('saved_at').notNull(),
});

/** How far into the head each detection partition has read: every head row up to `seq` was judged. */
export const detectionCursors = pgTable('detection_cursors', {
  partition: integer('partition').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

/** Points a detector scored at or above the threshold, with its sentence. */
export const anomalies = pgTable(
  'anomalies',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    seriesId: bigint('series_id', { mode: 'number' }).notNull(),
    metric: text('metric').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    node: text('node'),
    at: ms('at').notNull(),
    value: doublePrecision('value').notNull(),
    score: doublePrecision('score').notNull(),
    explanation: text('explanation').notNull(),
    /** When the write that carried the sample was received, and when the anomaly was stored: the detection lag. */
    receivedAt: ms('received_at').notNull(),
    storedAt: ms('stored_at').notNull(),
    /** The alert it joined; null until the alert controller has seen it. */
    alertId: text('alert_id'),
  },
  (t) => [index('anomalies_series_at_idx').on(t.seriesId, t.at), index('anomalies_unalerted_idx').on(t.alertId, t.id)],
);

/**
 * Alerts: anomalies of one series on one node grouped in time, or a threshold rule's breach.
 * `fingerprint` identifies what is alerting; at most one alert per fingerprint fires at a time.
 * `notified_state` is the state receivers were last told of.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    fingerprint: text('fingerprint').notNull(),
    source: text('source').notNull(),
    state: text('state').notNull(),
    node: text('node'),
    metric: text('metric').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    startsAt: ms('starts_at').notNull(),
    endsAt: ms('ends_at'),
    lastSeenAt: ms('last_seen_at').notNull(),
    summary: text('summary').notNull(),
    score: doublePrecision('score').notNull(),
    notifiedState: text('notified_state'),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('alerts_firing_fingerprint').on(t.fingerprint).where(sql`state = 'firing'`),
    index('alerts_starts_at_idx').on(t.startsAt),
  ],
);

/** Threshold rules: `selector op value for for_ms`. */
export const alertRules = pgTable('alert_rules', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  selector: text('selector').notNull(),
  op: text('op').notNull(),
  value: doublePrecision('value').notNull(),
  forMs: ms('for_ms').notNull(),
  createdAt: ms('created_at').notNull(),
});

/** Silences: alerts matching every matcher are not sent while `starts_at <= now < ends_at`. */
export const silences = pgTable('silences', {
  id: text('id').primaryKey(),
  matchers: jsonb('matchers').$type<Record<string, string>>().notNull(),
  startsAt: ms('starts_at').notNull(),
  endsAt: ms('ends_at').notNull(),
  comment: text('comment').notNull(),
});

/** Webhook deliveries still to make: one row per receiver and alert state change, retried with backoff. */
export const alertOutbox = pgTable('alert_outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  receiver: text('receiver').notNull(),
  alertId: text('alert_id').notNull(),
  state: text('state').notNull(),
  attempts: integer('attempts').notNull(),
  nextAt: ms('next_at').notNull(),
});

/** The delivery log: every attempt to send an alert to a receiver and how it went. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receiver: text('receiver').notNull(),
    alertId: text('alert_id').notNull(),
    state: text('state').notNull(),
    attempt: integer('attempt').notNull(),
    outcome: text('outcome').notNull(),
    status: integer('status'),
    error: text('error'),
    at: ms('at').notNull(),
  },
  (t) => [index('alert_deliveries_at_idx').on(t.at)],
);

/** Small key/value settings, e.g. the admin token's hash. */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * API tokens of service accounts (governance): scoped to roles and teams,
 * expiring and revocable; only the SHA-256 of the secret is stored.
 */
export const apiTokens = pgTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  roles: jsonb('roles').$type<string[]>().notNull(),
  teams: jsonb('teams').$type<string[]>().notNull(),
  expiresAt: ms('expires_at').notNull(),
  revokedAt: ms('revoked_at'),
  createdAt: ms('created_at').notNull(),
});

/**
 * People who log in (governance): a name, a scrypt password hash with its own
 * salt, roles and teams as Cedar groups. Failed logins and the lockout they
 * lead to live on the row, so every replica sees them.
 */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  roles: jsonb('roles').$type<string[]>().notNull(),
  teams: jsonb('teams').$type<string[]>().notNull(),
  disabled: boolean('disabled').notNull().default(false),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: ms('locked_until'),
  passwordChangedAt: ms('password_changed_at').notNull(),
  createdAt: ms('created_at').notNull(),
});

/**
 * Login sessions: the SHA-256 of the current refresh token (rotated on every
 * refresh), when it ends, and when it was revoked (logout, password change).
 * Access tokens name their session, so revoking it ends them at once.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    refreshHash: text('refresh_hash').notNull().unique(),
    expiresAt: ms('expires_at').notNull(),
    revokedAt: ms('revoked_at'),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId)],
);

/** Single-use tickets that open the event stream without a token in the URL; only their SHA-256 is kept. */
export const eventTickets = pgTable('event_tickets', {
  ticketHash: text('ticket_hash').primaryKey(),
  principal: jsonb('principal').$type<Record<string, unknown>>().notNull(),
  expiresAt: ms('expires_at').notNull(),
});

/**
 * The audit chain (governance): each entry's canonical JSON text, chained to
 * the one before by SHA-256. Append-only: a trigger (migration 0013) refuses
 * UPDATE, DELETE and TRUNCATE, here and on the checkpoints.
 */
export const auditLog = pgTable('audit_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  entry: text('entry').notNull(),
  hash: text('hash').notNull(),
});

/** Ed25519-signed statements that the audit chain up to `seq` ends in `hash`. */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  hash: text('hash').notNull(),
  at: ms('at').notNull(),
  keyId: text('key_id').notNull(),
  signature: text('signature').notNull(),
});

/** All tables, for Drizzle's relational typing. */
export const schema = {
  nodes,
  joinTokens,
  metricSeries,
  metricHead,
  metricBatches,
  seriesChunks,
  rollups1m,
  rollups1h,
  nodeTransitions,
  predictions,
  settings,
  leases,
  detectionState,
  detectionCursors,
  anomalies,
  apiTokens,
  alerts,
  alertRules,
  silences,
  alertOutbox,
  alertDeliveries,
  auditLog,
  auditCheckpoints,
  users,
  userSessions,
  eventTickets,
};

/**
 * Services the traffic capability balances: a name, a picker and the declared backends (nodes by name or
 * endpoints by address). Addresses and weights that follow node state are resolved when read, not stored.
 */
export const services = pgTable('services', {
  name: text('name').primaryKey(),
  picker: text('picker').notNull(),
  healthPath: text('health_path').notNull(),
  backends: jsonb('backends')
    .$type<{ node?: string; address?: string; port: number; zone?: string; weight?: number }[]>()
    .notNull(),
  updatedAt: ms('updated_at').notNull(),
});

/**
 * Durable workflow runs (healing): one row per run of a named workflow. `cursor` is the index of the
 * next step; `next_at` is when the leader's executor should look at the run again (a timer, a retry's
 * backoff). `idempotency_key` makes starting the same run twice return the first one.
 */
export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: text('id').primaryKey(),
    workflow: text('workflow').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    input: jsonb('input').$type<unknown>(),
    status: text('status').notNull(),
    cursor: integer('cursor').notNull(),
    outputs: jsonb('outputs').$type<Record<string, unknown>>().notNull(),
    nextAt: ms('next_at').notNull(),
    error: text('error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    /** The leadership epoch of the last write, so an operator sees which leader moved it last. */
    epoch: ms('epoch').notNull(),
  },
  (t) => [index('workflow_runs_due_idx').on(t.status, t.nextAt)],
);

/**
 * Steps of workflow runs, written before a step runs (`running`, `attempts` counts starts) and after
 * (`succeeded` with its output, or `failed`); `failures` counts the attempts that threw or timed out.
 */
export const workflowSteps = pgTable(
  'workflow_steps',
  {
    runId: text('run_id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull(),
    failures: integer('failures').notNull(),
    output: jsonb('output').$type<unknown>(),
    error: text('error'),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at'),
    wakeAt: ms('wake_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.position] })],
);

/**
 * Decisions on playbook runs' approvals (healing), one per person and run: the primary key is what
 * keeps the same person from counting twice, whichever replica takes the request.
 */
export const runApprovals = pgTable(
  'run_approvals',
  {
    runId: text('run_id').notNull(),
    /** Who decided: `user:<id>`, or `admin` for the admin token. */
    approver: text('approver').notNull(),
    name: text('name').notNull(),
    level: integer('level').notNull(),
    decision: text('decision').notNull(),
    reason: text('reason').notNull(),
    decidedAt: ms('decided_at').notNull(),
    /** Order of arrival, for decisions made within one millisecond. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.approver] })],
);

/** A root-cause candidate as the incident controller stored it (times in ms). */
export interface StoredRootCause {
  component: string;
  score: number;
  onsetMs: number | null;
  evidence: {
    metric: string;
    score: number;
    direction: 'up' | 'down';
    peakMs: number;
    peakValue: number;
    onsetMs: number | null;
    normalMedian: number;
    normalSpread: number;
  }[];
}

/**
 * Incidents (healing): alerts that overlap in time and topology, grouped by the leader's incident
 * controller, with the nodes and services they touch and the last root-cause ranking.
 * `last_activity_at` is the latest time any of its alerts was firing.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    status: text('status').notNull(),
    openedAt: ms('opened_at').notNull(),
    lastActivityAt: ms('last_activity_at').notNull(),
    resolvedAt: ms('resolved_at'),
    nodes: jsonb('nodes').$type<string[]>().notNull(),
    services: jsonb('services').$type<string[]>().notNull(),
    rootCauses: jsonb('root_causes').$type<StoredRootCause[]>().notNull(),
    rankedAt: ms('ranked_at'),
    updatedAt: ms('updated_at').notNull(),
    epoch: ms('epoch').notNull(),
  },
  (t) => [index('incidents_status_opened_idx').on(t.status, t.openedAt)],
);

/** Which incident each alert belongs to (at most one). */
export const incidentAlerts = pgTable(
  'incident_alerts',
  {
    alertId: text('alert_id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    addedAt: ms('added_at').notNull(),
  },
  (t) => [index('incident_alerts_incident_idx').on(t.incidentId)],
);

/** Playbooks (healing), every version kept: the YAML as sent and the spec it was validated into. */
export const playbooks = pgTable(
  'playbooks',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    yaml: text('yaml').notNull(),
    spec: jsonb('spec').$type<unknown>().notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/**
 * Actions queued for node agents (healing): delivered in heartbeat answers until the agent reports a
 * result, which it reports with a later heartbeat. `id` is the action's idempotency key, chosen by
 * whoever queues it (a playbook step uses its own key), so queueing twice stores one action and the
 * agent acts on it once.
 */
export const agentActions = pgTable(
  'agent_actions',
  {
    id: text('id').primaryKey(),
    nodeId: text('node_id').notNull(),
    node: text('node').notNull(),
    kind: text('kind').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    /** pending → delivered → succeeded | failed | refused; `expired` when no result came in time. */
    status: text('status').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: ms('created_at').notNull(),
    deliveredAt: ms('delivered_at'),
    finishedAt: ms('finished_at'),
    expiresAt: ms('expires_at').notNull(),
    /** Who queued it: `playbook NAME@VERSION`, or the operator's principal. */
    requestedBy: text('requested_by').notNull(),
  },
  (t) => [
    index('agent_actions_node_idx').on(t.nodeId, t.createdAt),
    index('agent_actions_open_idx').on(t.nodeId).where(sql`status in ('pending', 'delivered')`),
  ],
);

/**
 * Cedar policy documents (governance), every version kept and never changed: a change, a rollback
 * and a deletion each add a row (a deletion has no text). The set in force is the latest version
 * of every document that has text. `seq` grows with every row, so its maximum tells any replica
 * cheaply whether the set changed.
 */
export const policyVersions = pgTable(
  'policy_versions',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    text: text('text'),
    /** What made this version: put, rollback (of `fromVersion`), delete, or seed (the shipped policies). */
    change: text('change').notNull(),
    fromVersion: integer('from_version'),
    author: jsonb('author').$type<Record<string, string>>().notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [uniqueIndex('policy_versions_id_version_idx').on(t.id, t.version)],
);
