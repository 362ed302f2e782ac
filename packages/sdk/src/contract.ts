/**
 * The wire contract of Aurora's HTTP API, as TypeBox schemas.
 *
 * One source of truth: the server validates requests and generates its
 * OpenAPI document from these schemas, and the agent, console and CLI use
 * the static types derived from them. Changing a schema here changes the
 * documented API, so additions are optional fields unless a version bumps.
 */
import { type Static, Type } from '@sinclair/typebox';
import { AgentAction, AgentActionResult } from './actions.js';

/** Node lifecycle states. `cordoned` and `draining` are set by an operator; the rest by health. */
export const NodeState = Type.Union(
  [
    Type.Literal('joining'),
    Type.Literal('ready'),
    Type.Literal('suspect'),
    Type.Literal('down'),
    Type.Literal('cordoned'),
    Type.Literal('draining'),
  ],
  { $id: 'NodeState' },
);
export type NodeState = Static<typeof NodeState>;

/**
 * Limits of every label set Aurora accepts: a node's labels (join and
 * heartbeats), an agent sample's labels, and series arriving by
 * remote_write or scrape. Generous enough for real Prometheus series, and
 * small enough that a node list stays readable.
 */
export const LABEL_LIMITS = Object.freeze({ maxNameLength: 128, maxValueLength: 2048, maxLabels: 64 });

function labelMap(maxLabels: number, description: string) {
  return Type.Record(Type.String(), Type.String({ maxLength: LABEL_LIMITS.maxValueLength }), {
    maxProperties: maxLabels,
    propertyNames: { type: 'string', maxLength: LABEL_LIMITS.maxNameLength },
    description,
  });
}

export const Labels = labelMap(
  LABEL_LIMITS.maxLabels,
  `Free-form key/value labels, e.g. {"role":"db"}: at most ${LABEL_LIMITS.maxLabels} labels, names up to ${LABEL_LIMITS.maxNameLength} characters, values up to ${LABEL_LIMITS.maxValueLength}`,
);
export type Labels = Static<typeof Labels>;

export const DiskFact = Type.Object({
  mount: Type.String({ maxLength: 1024 }),
  fs: Type.String({ maxLength: 256 }),
  sizeBytes: Type.Number({ minimum: 0 }),
});

/** What an agent reports about its machine on every heartbeat. */
export const NodeFacts = Type.Object({
  hostname: Type.String({ minLength: 1, maxLength: 253 }),
  os: Type.Object({
    platform: Type.String({ maxLength: 64 }),
    distro: Type.String({ maxLength: 256 }),
    release: Type.String({ maxLength: 256 }),
    kernel: Type.String({ maxLength: 256 }),
  }),
  arch: Type.String({ maxLength: 64 }),
  cpus: Type.Object({ count: Type.Integer({ minimum: 0 }), model: Type.String({ maxLength: 256 }) }),
  memoryBytes: Type.Number({ minimum: 0 }),
  disks: Type.Array(DiskFact, { maxItems: 256 }),
  addresses: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 256 }),
  labels: Labels,
  zone: Type.Optional(Type.String({ maxLength: 128 })),
  agentVersion: Type.String({ maxLength: 64 }),
});
export type NodeFacts = Static<typeof NodeFacts>;

/**
 * Values an agent metric can hold, by the ending of its name: a percentage
 * (`cpu.usage_pct`, `disk.used_pct`) is 0–100, a byte count or a rate in
 * bytes per second is never negative. The server drops a sample outside its
 * range, stores the rest of the heartbeat and flags the node with the
 * `InvalidSamples` condition (see the README, "What the API accepts").
 */
export const METRIC_VALUE_RANGES: readonly { suffix: string; min: number; max: number }[] = Object.freeze([
  { suffix: '_pct', min: 0, max: 100 },
  { suffix: '_bytes', min: 0, max: Number.POSITIVE_INFINITY },
  { suffix: '_bps', min: 0, max: Number.POSITIVE_INFINITY },
]);

/** Latest time a JavaScript Date can hold (ms since the epoch); no clock produces a later one. */
export const MAX_TIME_MS = 8.64e15;

/**
 * One metric observation. Names are dotted (`cpu.usage_pct`, `disk.used_bytes`);
 * `labels` tell series of the same name apart (`{ mount: "/" }`, `{ iface: "eth0" }`).
 */
export const MetricSample = Type.Object({
  ts: Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_TIME_MS,
    description: `milliseconds since the Unix epoch, agent clock; above 0 and at most ${MAX_TIME_MS} (the JavaScript Date range), else refused`,
  }),
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-z][a-z0-9_.]*$' }),
  value: Type.Number(),
  labels: Type.Optional(
    labelMap(
      LABEL_LIMITS.maxLabels - 1,
      `labels of the sample; the server adds node="<node name>", so at most ${LABEL_LIMITS.maxLabels - 1} here`,
    ),
  ),
});
export type MetricSample = Static<typeof MetricSample>;

/** A batch of samples with an id chosen by the agent, so a replayed batch is stored once. */
export const MetricBatch = Type.Object({
  id: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  samples: Type.Array(MetricSample, { maxItems: 20_000 }),
});
export type MetricBatch = Static<typeof MetricBatch>;

export const HeartbeatRequest = Type.Object({
  sentAt: Type.Number({
    exclusiveMinimum: 0,
    maximum: MAX_TIME_MS,
    description: `agent clock, ms since epoch, above 0 and at most ${MAX_TIME_MS}; compared with the server clock for the ClockSkew condition`,
  }),
  facts: NodeFacts,
  batches: Type.Array(MetricBatch, { maxItems: 64, description: 'batch ids must differ within one heartbeat' }),
  /** Counts of samples the agent had to drop while the server was unreachable. */
  droppedSamples: Type.Optional(Type.Integer({ minimum: 0 })),
  actionResults: Type.Optional(
    Type.Array(AgentActionResult, {
      maxItems: 64,
      description: 'results of actions the agent finished since its last acknowledged heartbeat',
    }),
  ),
});
export type HeartbeatRequest = Static<typeof HeartbeatRequest>;

export const HeartbeatResponse = Type.Object({
  acknowledged: Type.Array(Type.String(), { description: 'batch ids now committed to the store' }),
  serverTime: Type.Number(),
  heartbeatIntervalMs: Type.Integer(),
  state: NodeState,
  actions: Type.Optional(
    Type.Array(AgentAction, {
      description: 'actions queued for this node that have no result yet; an id seen before is not acted on again',
    }),
  ),
  actionResultsStored: Type.Optional(
    Type.Array(Type.String(), { description: 'ids of the reported action results now stored' }),
  ),
  servers: Type.Optional(
    Type.Array(Type.String(), {
      maxItems: 64,
      description:
        "URLs of the control plane's replicas serving now, the answering one first: where the agent may fail over to",
    }),
  ),
});
export type HeartbeatResponse = Static<typeof HeartbeatResponse>;

export const JoinRequest = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 256 }),
  name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$' }),
  facts: NodeFacts,
  csr: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 8192,
      description:
        "PEM PKCS #10 request for the node's own ECDSA P-256 key; required when the control plane serves HTTPS (mutual TLS)",
    }),
  ),
  joinKey: Type.Optional(
    Type.String({
      minLength: 32,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_-]+$',
      description:
        'a random secret the agent keeps before its first attempt and sends with every attempt of one join: a join ' +
        'repeated with the same token, name and key (its answer was lost) gets a new credential for the same node ' +
        'instead of AURORA_NODE_NAME_TAKEN',
    }),
  ),
});
export type JoinRequest = Static<typeof JoinRequest>;

/** A client certificate from the cluster CA for the node's own key, and the CA to trust. */
export const NodeCertificate = Type.Object({
  certificate: Type.String({ description: 'PEM client certificate naming the node (URI urn:aurora:node:<id>)' }),
  certificateExpiresAt: Type.String({ format: 'date-time' }),
  caCertificate: Type.String({ description: 'PEM of the cluster CA' }),
});
export type NodeCertificate = Static<typeof NodeCertificate>;

export const CertificateRenewalRequest = Type.Object({
  csr: Type.String({ minLength: 1, maxLength: 8192, description: "PEM PKCS #10 request for the node's new key" }),
});
export type CertificateRenewalRequest = Static<typeof CertificateRenewalRequest>;

export const ClusterCaView = Type.Object({
  certificate: Type.String({ description: 'PEM of the cluster CA' }),
  fingerprint: Type.String({ description: 'sha256:<hex> of its DER, what a join command pins' }),
  tls: Type.Boolean({
    description: 'whether this control plane serves HTTPS and requires client certificates of agents',
  }),
});
export type ClusterCaView = Static<typeof ClusterCaView>;

export const JoinResponse = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  /** Secret the agent presents as `Authorization: Bearer <credential>` from now on. Shown once. */
  credential: Type.String(),
  heartbeatIntervalMs: Type.Integer(),
  certificate: Type.Optional(NodeCertificate),
  servers: Type.Optional(
    Type.Array(Type.String(), {
      maxItems: 64,
      description:
        "URLs of the control plane's replicas serving now, the answering one first: where the agent may fail over to",
    }),
  ),
});
export type JoinResponse = Static<typeof JoinResponse>;

export const NodeCondition = Type.Object({
  type: Type.String({ description: 'e.g. ClockSkew, DroppedSamples' }),
  status: Type.Union([Type.Literal('true'), Type.Literal('false')]),
  reason: Type.String(),
  message: Type.String(),
  since: Type.String({ format: 'date-time' }),
});
export type NodeCondition = Static<typeof NodeCondition>;

export const Node = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    state: NodeState,
    stateReason: Type.String(),
    stateSince: Type.String({ format: 'date-time' }),
    operatorState: Type.Optional(
      Type.Union([Type.Literal('cordoned'), Type.Literal('draining'), Type.Null()], {
        description:
          'what an operator asked for (cordon or drain), null after uncordon. Stored at once and kept through ' +
          'outages: a node that is suspect or down when asked enters this state when its heartbeats resume',
      }),
    ),
    trafficShare: Type.Optional(
      Type.Number({
        description:
          'the share of their declared weight its service backends keep, when an operator or a playbook lowered it ' +
          '(PUT /v1/nodes/NAME/traffic); absent at the full share',
      }),
    ),
    labels: Labels,
    zone: Type.Union([Type.String(), Type.Null()]),
    facts: Type.Union([NodeFacts, Type.Null()]),
    conditions: Type.Array(NodeCondition),
    lastHeartbeatAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Node' },
);
export type Node = Static<typeof Node>;

/** What `GET /v1/nodes` can sort by; ties are broken by name. */
export const NodeSortKey = Type.Union(
  [
    Type.Literal('name'),
    Type.Literal('state'),
    Type.Literal('zone'),
    Type.Literal('lastHeartbeatAt'),
    Type.Literal('createdAt'),
  ],
  { description: 'sort key; ties are broken by name. Nodes without a zone or heartbeat sort first' },
);
export type NodeSortKey = Static<typeof NodeSortKey>;

/** The largest page `GET /v1/nodes` answers. */
export const NODE_PAGE_MAX = 5_000;
/** The page size of `GET /v1/nodes` when `limit` is not given. */
export const NODE_PAGE_DEFAULT = 500;

/** Query of `GET /v1/nodes`. */
export const NodeListQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: NODE_PAGE_MAX, default: NODE_PAGE_DEFAULT, description: 'page size' }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1_024,
      description: 'the `next` of the previous page, with the same sort and order',
    }),
  ),
  sort: Type.Optional(NodeSortKey),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'default asc' })),
  state: Type.Optional(NodeState),
  label: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], { description: 'key=value, repeatable; all must match' }),
  ),
  hasLabel: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: 'a label key the node must have, repeatable',
    }),
  ),
  q: Type.Optional(Type.String({ maxLength: 63, description: 'part of the name, any case' })),
});
export type NodeListQuery = Static<typeof NodeListQuery>;

/** One page of nodes. */
export const NodeList = Type.Object({
  items: Type.Array(Node),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'pass as `cursor` (same sort, order and filters) for the next page; null when this page is the last',
  }),
  total: Type.Integer({ minimum: 0, description: 'how many nodes match the filters, over all pages' }),
});
export type NodeList = Static<typeof NodeList>;

/** One recorded state change of a node: what it was, what it became and why. */
export const NodeTransition = Type.Object({
  at: Type.String({ format: 'date-time' }),
  // References, not copies: one schema may hold a given $id only once.
  from: Type.Ref(NodeState),
  to: Type.Ref(NodeState, {
    description:
      'equals `from` when an operator cordoned, drained or uncordoned a node that is not healthy: the request is ' +
      'recorded and takes effect when heartbeats resume',
  }),
  reason: Type.String(),
});
export type NodeTransition = Static<typeof NodeTransition>;

/** Query of `GET /v1/nodes/:name/transitions`. */
export const NodeTransitionsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000, default: 100, description: 'page size' })),
  before: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'the `next` of the previous page: only transitions recorded before it',
    }),
  ),
});
export type NodeTransitionsQuery = Static<typeof NodeTransitionsQuery>;

/** A page of a node's transitions, newest first, in the order they were recorded. */
export const NodeTransitionPage = Type.Object({
  items: Type.Array(NodeTransition),
  next: Type.Union([Type.Integer(), Type.Null()], {
    description: 'pass as `before` to read the next, older page; null when this page is the last',
  }),
});
export type NodeTransitionPage = Static<typeof NodeTransitionPage>;

export const MetricSeries = Type.Object({
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  /** [timestamp ms, value] pairs, ascending; one per `step` bucket (average). */
  points: Type.Array(Type.Tuple([Type.Number(), Type.Number()])),
});
export type MetricSeries = Static<typeof MetricSeries>;

export const MetricRange = Type.Object({ series: Type.Array(MetricSeries) });
export type MetricRange = Static<typeof MetricRange>;

/** How `GET /v1/query_range` turns a step bucket's samples into one value. */
export const QueryAggregation = Type.Union(
  [
    Type.Literal('avg'),
    Type.Literal('min'),
    Type.Literal('max'),
    Type.Literal('sum'),
    Type.Literal('count'),
    Type.Literal('last'),
  ],
  { description: 'aggregation per step bucket (default avg)' },
);
export type QueryAggregation = Static<typeof QueryAggregation>;

/** Query of `GET /v1/query_range`. */
export const QueryRangeQuery = Type.Object({
  match: Type.String({
    minLength: 1,
    maxLength: 4096,
    description: 'Prometheus series selector, e.g. cpu_usage_pct{node="n1",mode!="idle"} (=, !=, =~, !~)',
  }),
  from: Type.Optional(
    Type.String({ description: 'ms since epoch, ISO date, "now" or relative like -1h (default: to minus 1 hour)' }),
  ),
  to: Type.Optional(Type.String({ description: 'as from; default now' })),
  step: Type.Optional(
    Type.String({
      description:
        'bucket width (15s, 1m, 1h or ms); multiples of 1h read 1-hour rollups, of 1m 1-minute rollups, others raw samples (default: about 250 buckets)',
    }),
  ),
  agg: Type.Optional(QueryAggregation),
});
export type QueryRangeQuery = Static<typeof QueryRangeQuery>;

/** A point value: a number, or "NaN", "+Inf", "-Inf", which JSON cannot carry as numbers. */
export const QueryValue = Type.Union([Type.Number(), Type.Literal('NaN'), Type.Literal('+Inf'), Type.Literal('-Inf')]);
export type QueryValue = Static<typeof QueryValue>;

/** One series of a range answer: its metric name, labels and one point per non-empty step bucket. */
export const QuerySeries = Type.Object({
  name: Type.String(),
  labels: Type.Record(Type.String(), Type.String()),
  points: Type.Array(Type.Tuple([Type.Number({ description: 'bucket start, ms since epoch' }), QueryValue])),
});
export type QuerySeries = Static<typeof QuerySeries>;

/** Answer of `GET /v1/query_range`. */
export const QueryRangeResult = Type.Object({
  tier: Type.Union([Type.Literal('raw'), Type.Literal('1m'), Type.Literal('1h')], {
    description: 'what the answer was computed from: raw samples or a rollup tier',
  }),
  stepMs: Type.Integer(),
  series: Type.Array(QuerySeries),
});
export type QueryRangeResult = Static<typeof QueryRangeResult>;

/**
 * The Prometheus name of an agent metric: dots become underscores
 * (`cpu.usage_pct` → `cpu_usage_pct`); agent series also carry
 * `node="<node name>"`.
 */
export function agentMetricName(name: string): string {
  return name.includes('.') ? name.replaceAll('.', '_') : name;
}

export const ClusterSummary = Type.Object({
  nodes: Type.Object({
    total: Type.Integer(),
    byState: Type.Record(Type.String(), Type.Integer()),
  }),
  leader: Type.Boolean({ description: 'whether this replica runs the controllers' }),
  store: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  version: Type.String(),
});
export type ClusterSummary = Static<typeof ClusterSummary>;

export const CreateTokenRequest = Type.Object({
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 31_536_000, default: 86_400 })),
  uses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  description: Type.Optional(Type.String({ maxLength: 256 })),
});
export type CreateTokenRequest = Static<typeof CreateTokenRequest>;

export const JoinToken = Type.Object({
  id: Type.String(),
  description: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  usesRemaining: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type JoinToken = Static<typeof JoinToken>;

/** The secret is returned once, at creation; only its hash is stored. */
export const CreatedJoinToken = Type.Intersect([JoinToken, Type.Object({ token: Type.String() })]);
export type CreatedJoinToken = Static<typeof CreatedJoinToken>;

export const JoinTokenList = Type.Object({ items: Type.Array(JoinToken) });
export type JoinTokenList = Static<typeof JoinTokenList>;

/** RFC 9457 problem details, with Aurora's stable `code`. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'stable machine-readable code, e.g. AURORA_NODE_NOT_FOUND' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'the request field at fault, for validation errors' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          message: Type.String(),
          document: Type.Optional(Type.String()),
          line: Type.Optional(Type.Integer({ description: '1-based' })),
          column: Type.Optional(Type.Integer({ description: '1-based' })),
        }),
        { description: "each of the messages behind it, e.g. Cedar's own for a refused policy" },
      ),
    ),
  },
  { $id: 'Problem' },
);
export type Problem = Static<typeof Problem>;

/** Events on `GET /v1/events` (server-sent events: `event:` is `type`, `data:` is the JSON). */
export type AuroraEvent =
  | { type: 'node.joined'; node: Node; at: string }
  | { type: 'node.state_changed'; node: Node; from: NodeState; to: NodeState; reason: string; at: string }
  | { type: 'node.heartbeat'; name: string; at: string; samples: MetricSample[] }
  | { type: 'node.deleted'; name: string; at: string }
  | { type: 'service.changed'; name: string; at: string }
  | { type: 'service.deleted'; name: string; at: string }
  /** An alert fired or resolved (by its controller or by hand); services weigh nodes with anomaly alerts down. */
  | {
      type: 'alert.changed';
      alert: string;
      node: string | null;
      source: string;
      state: 'firing' | 'resolved';
      at: string;
    };
