import type { Principal } from '../../platform/http/auth.js';

/** What a node is decided on: its labels and zone (the governance capability's NodeAttributes). */
export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  zone: string | null;
}

/** A decision of the authorisation API. */
export interface Decision {
  outcome: 'allow' | 'deny' | 'needs-approval';
  policies: string[];
  errors: string[];
}

/**
 * What healing asks of governance, handed in by the server that builds both (capabilities do not
 * import each other): Cedar decisions for playbooks and approvers, and the audit chain.
 */
export interface HealingGovernance {
  /** Decides `action` by the playbook version on the node. */
  decidePlaybook(input: { playbook: { name: string; version: number }; action: string; node: NodeFacts }): Decision;
  /** Decides whether a person may decide approvals (`run.approve`) on the node. */
  decideApprover(principal: Principal, node: NodeFacts): Decision;
  /** Who a principal is, as the audit chain names people. */
  actor(principal: Principal): Record<string, string>;
  /** Appends a record to the audit chain. */
  audit(record: { kind: string } & Record<string, unknown>): Promise<number>;
}

/** The playbook version as the audit chain names it when it acts. */
export function playbookActor(name: string, version: number): Record<string, string> {
  return { kind: 'playbook', id: `${name}@${version}`, name };
}
