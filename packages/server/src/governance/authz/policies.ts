/**
 * The policies Aurora ships. Each policy carries an `@id` that decisions name
 * when they say which policies allowed or denied them. A `forbid` annotated
 * `@approval("required")` that relents when `context.approval` is present is
 * how a decision becomes `needs-approval` (see engine.ts).
 */

/** admin: every read, operate, administer and approve action (agent actions stay with agents). */
export const ADMIN_POLICY = `@id("admin")
permit (
  principal in Aurora::Role::"admin",
  action in [Aurora::Action::"read", Aurora::Action::"operate", Aurora::Action::"administer", Aurora::Action::"approve"],
  resource
);`;

/** operator: reads everything, operates nodes and decides approvals, within the ABAC limits below. */
export const OPERATOR_POLICY = `@id("operator")
permit (
  principal in Aurora::Role::"operator",
  action in [Aurora::Action::"read", Aurora::Action::"operate", Aurora::Action::"approve"],
  resource
);`;

/** viewer: reads only. */
export const VIEWER_POLICY = `@id("viewer")
permit (
  principal in Aurora::Role::"viewer",
  action in Aurora::Action::"read",
  resource
);`;

/** agent: a node agent heartbeats and renews its client certificate, and nothing else. */
export const AGENT_POLICY = `@id("agent")
permit (
  principal in Aurora::Role::"agent",
  action in Aurora::Action::"agent",
  resource
);`;

/** self: every authenticated caller may see who it is, log out, and change its own password. */
export const SELF_POLICY = `@id("self")
permit (
  principal,
  action in Aurora::Action::"self",
  resource
);`;

/** ABAC: an operator acts on, and approves runs on, only nodes whose `team` label is one of the operator's teams. */
export const OPERATOR_TEAM_POLICY = `@id("operator-own-team")
forbid (
  principal in Aurora::Role::"operator",
  action in [Aurora::Action::"operate", Aurora::Action::"approve"],
  resource is Aurora::Node
)
unless { principal has teams && principal.teams.contains(resource.ownerTeam) };`;

/**
 * ABAC: operating a node labelled environment=production needs an approval.
 * The bootstrap admin is the break-glass identity and is not held by it.
 */
export const PRODUCTION_APPROVAL_POLICY = `@id("production-needs-approval")
@approval("required")
forbid (
  principal,
  action in Aurora::Action::"operate",
  resource is Aurora::Node
)
when { resource.environment == "production" && !(principal in Aurora::Role::"admin") }
unless { context has approval };`;

/**
 * playbooks: a playbook run may operate nodes (cordon, drain, uncordon), within the limits below and
 * production-needs-approval above, which holds playbooks as it holds people.
 */
export const PLAYBOOK_POLICY = `@id("playbooks")
permit (
  principal is Aurora::Playbook,
  action in Aurora::Action::"operate",
  resource
);`;

/** ABAC: a node labelled healing=off is never acted on by a playbook; its runs end as denied. */
export const HEALING_OPT_OUT_POLICY = `@id("healing-opt-out")
forbid (
  principal is Aurora::Playbook,
  action,
  resource is Aurora::Node
)
when { resource.hasTag("healing") && resource.getTag("healing") == "off" };`;

/**
 * The policy documents a fresh control plane stores as version 1 of each, named like the policy
 * each holds; from then on the store is the source of truth.
 */
export const SHIPPED_DOCUMENTS: readonly { id: string; text: string }[] = [
  { id: 'admin', text: ADMIN_POLICY },
  { id: 'operator', text: OPERATOR_POLICY },
  { id: 'viewer', text: VIEWER_POLICY },
  { id: 'agent', text: AGENT_POLICY },
  { id: 'self', text: SELF_POLICY },
  { id: 'operator-own-team', text: OPERATOR_TEAM_POLICY },
  { id: 'production-needs-approval', text: PRODUCTION_APPROVAL_POLICY },
  { id: 'playbooks', text: PLAYBOOK_POLICY },
  { id: 'healing-opt-out', text: HEALING_OPT_OUT_POLICY },
];

/** The policy set a fresh control plane starts with, as one text. */
export const SHIPPED_POLICIES = SHIPPED_DOCUMENTS.map((d) => d.text).join('\n\n');

/**
 * What is in force when the stored set cannot be compiled (written to the database by hand, or by
 * a newer version): administrators and every caller's own identity, nothing else, so nobody gains
 * access and administrators can repair the set.
 */
export const FALLBACK_DOCUMENTS: readonly { id: string; text: string }[] = [
  { id: 'admin', text: ADMIN_POLICY },
  { id: 'self', text: SELF_POLICY },
];

/** The roles the shipped policies know; a principal's role is a `Aurora::Role` entity of this id. */
export const ROLES = ['admin', 'operator', 'viewer', 'agent'] as const;
export type RoleName = (typeof ROLES)[number];
