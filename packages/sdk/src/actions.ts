/**
 * Actions the control plane asks a node agent to take. An action is data, never shell text: a kind
 * from a closed list and parameters that name things from the agent's own allow-list (a service, a
 * log, a process name, a path under a configured root). The agent checks every action against its
 * allow-list and answers with a structured result; an action id is acted on at most once.
 */
import { type Static, type TSchema, Type, TypeGuard } from '@sinclair/typebox';

const Time = Type.String({ format: 'date-time' });

/** A name from the agent's allow-list (a service, a log set, a systemd unit such as `nginx.service`). */
const AllowListName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.@:-]*$' });

/** Parameters of each kind of agent action. */
export const AgentActionParams = {
  'restart-service': Type.Object(
    { service: AllowListName },
    { additionalProperties: false, description: 'stop (TERM, then KILL after the grace time) and start a service' },
  ),
  'start-service': Type.Object({ service: AllowListName }, { additionalProperties: false }),
  'stop-service': Type.Object({ service: AllowListName }, { additionalProperties: false }),
  'clean-path': Type.Object(
    {
      path: Type.String({ minLength: 1, maxLength: 4096, description: 'a directory inside one of the cleanup roots' }),
      pattern: Type.String({
        minLength: 1,
        maxLength: 128,
        description: 'file-name glob (`*`, `?`, `[abc]`), no `/`; e.g. *.tmp',
      }),
      olderThan: Type.String({ minLength: 2, maxLength: 16, description: 'a duration such as 10m or 7d' }),
    },
    { additionalProperties: false, description: 'delete regular files matching the pattern, older than the age' },
  ),
  'kill-process': Type.Object(
    {
      name: Type.Optional(
        Type.String({ minLength: 1, maxLength: 64, description: 'a process name from the allow-list' }),
      ),
      cgroup: Type.Optional(
        Type.String({ minLength: 1, maxLength: 1024, description: 'a cgroup (v2 path) from the allow-list' }),
      ),
      signal: Type.Optional(
        Type.Union([Type.Literal('SIGTERM'), Type.Literal('SIGKILL')], { description: 'default SIGKILL' }),
      ),
    },
    { additionalProperties: false, description: 'exactly one of name or cgroup' },
  ),
  'rotate-logs': Type.Object(
    { log: AllowListName },
    { additionalProperties: false, description: 'rotate a configured log set: rename, optionally gzip, keep N' },
  ),
} as const;

export type AgentActionKind = keyof typeof AgentActionParams;
export const AGENT_ACTION_KINDS = Object.keys(AgentActionParams) as AgentActionKind[];

export const AgentActionId = Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:/-]+$' });

/** One action for an agent: `kind` says which, `params` what on. */
export const AgentAction = Type.Union(
  AGENT_ACTION_KINDS.map((kind) =>
    Type.Object(
      { id: AgentActionId, kind: Type.Literal(kind), params: AgentActionParams[kind] },
      { additionalProperties: false },
    ),
  ),
);
export type AgentAction = {
  [K in AgentActionKind]: { id: string; kind: K; params: Static<(typeof AgentActionParams)[K]> };
}[AgentActionKind];

export const AgentActionStatus = Type.Union([
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('refused'),
]);
export type AgentActionStatus = Static<typeof AgentActionStatus>;

/**
 * What an agent did with an action. `details` is structured: a refusal or a failure carries `reason`
 * (a stable code such as `not-allowed`, `outside-roots`, `unavailable`), `message` and, where one
 * parameter is at fault, `field`; a success carries what was done (files removed, pids killed, ...).
 */
export const AgentActionResult = Type.Object({
  id: AgentActionId,
  status: AgentActionStatus,
  details: Type.Record(Type.String(), Type.Unknown()),
  finishedAt: Type.Number({ description: 'agent clock, ms since the epoch' }),
});
export type AgentActionResult = Static<typeof AgentActionResult>;

/** An action as the control plane keeps it: queued for a node, delivered, finished. */
export const NodeAction = Type.Object({
  id: Type.String(),
  node: Type.String(),
  kind: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('delivered'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('refused'),
    Type.Literal('expired'),
  ]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  createdAt: Time,
  deliveredAt: Type.Union([Time, Type.Null()]),
  finishedAt: Type.Union([Time, Type.Null()]),
  expiresAt: Time,
});
export type NodeAction = Static<typeof NodeAction>;

export const NodeActionList = Type.Object({ items: Type.Array(NodeAction) });
export type NodeActionList = Static<typeof NodeActionList>;

/** Queue an action for a node's agent (`POST /v1/nodes/:name/actions`). */
export const QueueNodeAction = Type.Union(
  AGENT_ACTION_KINDS.map((kind) =>
    Type.Object(
      {
        kind: Type.Literal(kind),
        params: AgentActionParams[kind],
        id: Type.Optional(
          Type.String({
            minLength: 8,
            maxLength: 128,
            pattern: '^[A-Za-z0-9_.:/-]+$',
            description: 'idempotency key: queueing the same id again returns the first action (default: a new id)',
          }),
        ),
        timeout: Type.Optional(
          Type.String({
            minLength: 2,
            maxLength: 16,
            description: 'how long the action may wait for the agent, 1s to 24h (default 5m)',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ),
);
export type QueueNodeAction = Static<typeof QueueNodeAction>;

export const NodeActionsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type NodeActionsQuery = Static<typeof NodeActionsQuery>;

/**
 * A playbook step's parameter taken from the alert that started the run, resolved when the step
 * queues its action: `{{ alert.node }}` or `{{ alert.labels.NAME }}`. Only as the whole value, so the
 * resolved value is checked as the parameter itself would be, and the agent's allow-list still decides.
 */
export const ALERT_REFERENCE = /^\{\{\s*alert\.(node|labels\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}$/;
const AlertReference = Type.String({
  maxLength: 160,
  pattern: ALERT_REFERENCE.source,
  description: '{{ alert.node }} or {{ alert.labels.NAME }}: taken from the alert that started the run',
});

/** A string parameter, or a reference to the alert in its place. */
function orAlertReference(schema: TSchema): TSchema {
  if (!TypeGuard.IsString(schema)) return schema;
  const { minLength, maxLength, pattern, description } = schema;
  const plain = Type.String({
    ...(minLength !== undefined ? { minLength } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
  });
  const either = Type.Union([plain, AlertReference], description ? { description } : {});
  return TypeGuard.IsOptional(schema) ? Type.Optional(either) : either;
}

/**
 * A playbook step's agent action, as written in YAML: `agent: {action: restart-service, service: web}`,
 * that is the kind as `action` and its parameters beside it; a string parameter may instead refer to
 * the alert (`service: "{{ alert.labels.service }}"`).
 */
export type AgentStepAction = {
  [K in AgentActionKind]: { action: K } & Static<(typeof AgentActionParams)[K]>;
}[AgentActionKind];
// Built from the kinds, so its inferred type is too loose to be useful; the static type above says it exactly.
export const AgentStepAction = Type.Union(
  AGENT_ACTION_KINDS.map((kind) =>
    Type.Object(
      {
        action: Type.Literal(kind),
        ...Object.fromEntries(
          Object.entries(AgentActionParams[kind].properties).map(([key, schema]) => [key, orAlertReference(schema)]),
        ),
      },
      { additionalProperties: false },
    ),
  ),
) as unknown as TSchema & { static: AgentStepAction };
