import { type Static, Type } from '@sinclair/typebox';
import { AgentStepAction } from './actions.js';
import { Alert } from './alerts.js';

const Time = Type.String({ format: 'date-time' });

/** Why one metric makes a component a root-cause candidate: how far from normal it went, and when. */
export const RootCauseEvidence = Type.Object({
  metric: Type.String(),
  score: Type.Number({ description: 'robust score: (value − normal median) / normal spread' }),
  direction: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  peakAt: Time,
  peakValue: Type.Number(),
  onsetAt: Type.Union([Time, Type.Null()]),
  normalMedian: Type.Number(),
  normalSpread: Type.Number(),
});
export type RootCauseEvidence = Static<typeof RootCauseEvidence>;

/** One ranked root-cause candidate (a node), most likely first. */
export const RootCauseCandidate = Type.Object({
  component: Type.String(),
  score: Type.Number(),
  onsetAt: Type.Union([Time, Type.Null()]),
  evidence: Type.Array(RootCauseEvidence),
});
export type RootCauseCandidate = Static<typeof RootCauseCandidate>;

export const IncidentStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
export type IncidentStatus = Static<typeof IncidentStatus>;

/** Alerts that overlap in time and topology (one node, or nodes of one service), as one incident. */
export const Incident = Type.Object({
  id: Type.String(),
  status: IncidentStatus,
  openedAt: Time,
  resolvedAt: Type.Union([Time, Type.Null()]),
  nodes: Type.Array(Type.String()),
  services: Type.Array(Type.String()),
  alertCount: Type.Integer({ minimum: 0 }),
  rankedAt: Type.Union([Time, Type.Null()]),
  rootCauses: Type.Array(RootCauseCandidate),
});
export type Incident = Static<typeof Incident>;

export const IncidentDetail = Type.Composite([Incident, Type.Object({ alerts: Type.Array(Alert) })]);
export type IncidentDetail = Static<typeof IncidentDetail>;

export const IncidentList = Type.Object({ items: Type.Array(Incident) });
export type IncidentList = Static<typeof IncidentList>;

export const IncidentsQuery = Type.Object({
  status: Type.Optional(IncidentStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type IncidentsQuery = Static<typeof IncidentsQuery>;

const Duration = Type.String({
  minLength: 2,
  maxLength: 16,
  description: 'a duration such as 30s, 2m, 1h',
});

/** Which firing alerts start a playbook: every field given must match. */
export const AlertSelector = Type.Object(
  {
    metric: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    node: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    labels: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 256 }), {
        maxProperties: 16,
      }),
    ),
    rule: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "only alerts of the threshold rule of this name, not live detection's on the same series",
      }),
    ),
  },
  { additionalProperties: false },
);
export type AlertSelector = Static<typeof AlertSelector>;

/** Control-plane actions on the alert's node (agent actions are `agent:` steps). */
export const PlaybookAction = Type.Union([Type.Literal('cordon'), Type.Literal('drain'), Type.Literal('uncordon')]);
export type PlaybookAction = Static<typeof PlaybookAction>;

export const PlaybookStep = Type.Union([
  Type.Object({ action: PlaybookAction }, { additionalProperties: false }),
  Type.Object({ wait: Duration }, { additionalProperties: false }),
  Type.Object(
    {
      traffic: Type.Number({
        minimum: 0.01,
        maximum: 1,
        description: "the share of their declared weight the alert's node's service backends keep; 1 restores it",
      }),
    },
    { additionalProperties: false, description: 'steers traffic away from the node without draining it' },
  ),
  Type.Object(
    { agent: AgentStepAction, timeout: Type.Optional(Duration) },
    {
      additionalProperties: false,
      description:
        "queues an action for the alert's node's agent and waits for its result (timeout default 2m); the step's output is the agent's result, and a failed or refused action fails the run",
    },
  ),
  Type.Object(
    { verify: Type.Literal('alert-resolved'), within: Duration },
    { additionalProperties: false, description: 'fails the run unless the triggering alert resolved within the time' },
  ),
]);
export type PlaybookStep = Static<typeof PlaybookStep>;

const NameList = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 32 });

/**
 * Who approves at one level: a person matches when they hold one of `roles` (if given), are in one of
 * `teams` (if given) and are one of `users` (if given); `required` of them must approve (N of M).
 */
export const ApprovalLevelSpec = Type.Object(
  {
    roles: Type.Optional(NameList),
    teams: Type.Optional(NameList),
    users: Type.Optional(NameList),
    required: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 32, default: 1, description: 'approvals needed at this level (N)' }),
    ),
  },
  { additionalProperties: false },
);
export type ApprovalLevelSpec = Static<typeof ApprovalLevelSpec>;

/**
 * The approval a run needs when authorisation answers needs-approval: levels decided in order, an
 * expiry, and the decision taken when it expires undecided.
 */
export const ApprovalSpec = Type.Object(
  {
    levels: Type.Array(ApprovalLevelSpec, { minItems: 1, maxItems: 5 }),
    expiresAfter: Type.Optional(Duration),
    onExpiry: Type.Optional(Type.Union([Type.Literal('approve'), Type.Literal('reject')], { default: 'reject' })),
  },
  {
    additionalProperties: false,
    description:
      'who approves a run that needs approval; without it, one admin or operator (default expiry 1h, then reject)',
  },
);
export type ApprovalSpec = Static<typeof ApprovalSpec>;

/** A playbook as written in YAML. */
export const PlaybookSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    trigger: Type.Object({ alert: AlertSelector }, { additionalProperties: false }),
    steps: Type.Array(PlaybookStep, { minItems: 1, maxItems: 50 }),
    approval: Type.Optional(ApprovalSpec),
    cooldown: Type.Optional(Duration),
    rateLimit: Type.Optional(
      Type.Object(
        {
          max: Type.Integer({ minimum: 1, maximum: 1000 }),
          per: Type.Union([Type.Literal('node'), Type.Literal('playbook')]),
          window: Duration,
        },
        { additionalProperties: false, description: 'at most `max` runs per node (or in all) per window' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PlaybookSpec = Static<typeof PlaybookSpec>;

export const PutPlaybook = Type.Object(
  { yaml: Type.String({ minLength: 1, maxLength: 65_536, description: 'the playbook in YAML (PlaybookSpec)' }) },
  { additionalProperties: false },
);
export type PutPlaybook = Static<typeof PutPlaybook>;

/** One stored version of a playbook. */
export const Playbook = Type.Object({
  name: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  yaml: Type.String(),
  spec: PlaybookSpec,
  createdAt: Time,
});
export type Playbook = Static<typeof Playbook>;

export const PlaybookList = Type.Object({ items: Type.Array(Playbook) });
export type PlaybookList = Static<typeof PlaybookList>;

export const PlaybookVersionsQuery = Type.Object({
  from: Type.Optional(
    Type.Integer({ minimum: 1, description: 'diff from this version (default: the one before `to`)' }),
  ),
  to: Type.Optional(Type.Integer({ minimum: 1, description: 'diff to this version (default: the latest)' })),
});
export type PlaybookVersionsQuery = Static<typeof PlaybookVersionsQuery>;

/** A playbook's history and a line diff between two of its versions. */
export const PlaybookHistory = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.Object({ version: Type.Integer(), createdAt: Time })),
  from: Type.Integer({ minimum: 0, description: '0 when `to` is the first version (diffed against nothing)' }),
  to: Type.Integer({ minimum: 1 }),
  diff: Type.String({ description: 'unified-style lines: "  " kept, "- " removed, "+ " added' }),
});
export type PlaybookHistory = Static<typeof PlaybookHistory>;

export const RunStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('waiting'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
  Type.Literal('denied'),
  Type.Literal('rejected'),
]);
export type RunStatus = Static<typeof RunStatus>;

/** One person's decision on a run's approval. */
export const ApprovalDecisionView = Type.Object({
  by: Type.String({ description: 'who decided: a user name, or "admin" for the admin token' }),
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  reason: Type.String(),
  level: Type.Integer({ minimum: 1 }),
  at: Time,
});
export type ApprovalDecisionView = Static<typeof ApprovalDecisionView>;

/** One level of a run's approval: who may approve, how many must, and who has. */
export const ApprovalLevelView = Type.Object({
  level: Type.Integer({ minimum: 1 }),
  roles: Type.Array(Type.String()),
  teams: Type.Array(Type.String()),
  users: Type.Array(Type.String()),
  required: Type.Integer({ minimum: 1 }),
  approvedBy: Type.Array(Type.String()),
  satisfied: Type.Boolean(),
});
export type ApprovalLevelView = Static<typeof ApprovalLevelView>;

/** A playbook run's approval: pending until every level is satisfied, someone rejects, or it expires. */
export const RunApproval = Type.Object({
  state: Type.Union([
    Type.Literal('pending'),
    Type.Literal('approved'),
    Type.Literal('rejected'),
    Type.Literal('expired'),
    Type.Literal('cancelled'),
  ]),
  level: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
    description: 'the level waiting for decisions now; null once decided',
  }),
  node: Type.String(),
  expiresAt: Time,
  onExpiry: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  policies: Type.Array(Type.String(), { description: 'the policies that asked for an approval' }),
  levels: Type.Array(ApprovalLevelView),
  decisions: Type.Array(ApprovalDecisionView),
});
export type RunApproval = Static<typeof RunApproval>;

export const ApprovalDecision = Type.Union([Type.Literal('approve'), Type.Literal('reject')]);
export type ApprovalDecision = Static<typeof ApprovalDecision>;

/** A decision on a run's pending approval; a reason is always required. */
export const DecideApproval = Type.Object(
  {
    decision: ApprovalDecision,
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'why; recorded in the audit chain' }),
  },
  { additionalProperties: false },
);
export type DecideApproval = Static<typeof DecideApproval>;

/** A durable workflow run: where it is, and what its finished steps returned. */
export const WorkflowRun = Type.Object({
  id: Type.String(),
  workflow: Type.String(),
  status: RunStatus,
  step: Type.Integer({ minimum: 0, description: 'index of the next step to run' }),
  input: Type.Unknown(),
  outputs: Type.Record(Type.String(), Type.Unknown()),
  error: Type.Union([Type.String(), Type.Null()]),
  nextAt: Time,
  createdAt: Time,
  updatedAt: Time,
  approval: Type.Union([RunApproval, Type.Null()], {
    description: 'the approval of a playbook run that needed one; null otherwise',
  }),
});
export type WorkflowRun = Static<typeof WorkflowRun>;

/** One step of a run as recorded before and after it ran. */
export const WorkflowRunStep = Type.Object({
  position: Type.Integer({ minimum: 0 }),
  name: Type.String(),
  status: Type.Union([
    Type.Literal('running'),
    Type.Literal('retrying'),
    Type.Literal('waiting'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
  ]),
  attempts: Type.Integer({ minimum: 0 }),
  failures: Type.Integer({ minimum: 0 }),
  output: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  startedAt: Time,
  finishedAt: Type.Union([Time, Type.Null()]),
  wakeAt: Type.Union([Time, Type.Null()]),
});
export type WorkflowRunStep = Static<typeof WorkflowRunStep>;

export const WorkflowRunDetail = Type.Composite([WorkflowRun, Type.Object({ steps: Type.Array(WorkflowRunStep) })]);
export type WorkflowRunDetail = Static<typeof WorkflowRunDetail>;

export const WorkflowRunList = Type.Object({ items: Type.Array(WorkflowRun) });
export type WorkflowRunList = Static<typeof WorkflowRunList>;

export const RunsQuery = Type.Object({
  workflow: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
export type RunsQuery = Static<typeof RunsQuery>;
