import type { NodeHealth, OperatorState } from '@aurora/core';
import type { Node, NodeState } from '@aurora/sdk';
import type { NodeRow, StoredHealth } from '../platform/store/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The API view of a stored node. */
export function toNode(row: NodeRow): Node {
  return {
    id: row.id,
    name: row.name,
    state: row.state as NodeState,
    stateReason: row.stateReason,
    stateSince: iso(row.stateSince),
    operatorState: (row.operatorState as OperatorState | null) ?? null,
    ...(row.trafficShare === null ? {} : { trafficShare: row.trafficShare }),
    labels: row.labels,
    zone: row.zone,
    facts: row.facts,
    conditions: row.conditions,
    lastHeartbeatAt: row.lastHeartbeatAt === null ? null : iso(row.lastHeartbeatAt),
    createdAt: iso(row.createdAt),
  };
}

/** The state machine's view of a stored node. */
export function toHealth(
  row: Pick<NodeRow, 'state' | 'stateReason' | 'stateSince' | 'operatorState' | 'lastHeartbeatAt' | 'health'>,
): NodeHealth {
  return {
    state: row.state as NodeHealth['state'],
    operatorState: (row.operatorState as OperatorState | null) ?? null,
    joinedAt: row.health.joinedAt,
    lastHeartbeatAt: row.lastHeartbeatAt,
    stateSince: row.stateSince,
    reason: row.stateReason,
    healthySince: row.health.healthySince,
    failures: row.health.failures,
    observedAt: row.health.observedAt,
  };
}

/** The stored columns of a node's health. */
export function fromHealth(health: NodeHealth): {
  state: string;
  stateReason: string;
  stateSince: number;
  operatorState: string | null;
  lastHeartbeatAt: number | null;
  health: StoredHealth;
} {
  return {
    state: health.state,
    stateReason: health.reason,
    stateSince: health.stateSince,
    operatorState: health.operatorState,
    lastHeartbeatAt: health.lastHeartbeatAt,
    health: {
      joinedAt: health.joinedAt,
      healthySince: health.healthySince,
      failures: health.failures,
      observedAt: health.observedAt,
    },
  };
}
