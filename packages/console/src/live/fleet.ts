/**
 * The console's live picture of the fleet: nodes from `GET /v1/nodes`, kept
 * current by the events of `GET /v1/events`. A pure reducer, so the table, the
 * overview and the node page all agree and the rules are tested without a browser.
 */
import type { AuroraEvent, MetricSample, Node, NodeState } from '@aurora/sdk';

/** The latest gauge readings the table shows for one node. */
export interface LatestReadings {
  cpuPct: number | undefined;
  memPct: number | undefined;
  /** Agent timestamp (ms) of the newest sample seen. */
  at: number;
}

/** One state change seen on the event stream. */
export interface StateTransition {
  from: NodeState;
  to: NodeState;
  reason: string;
  at: string;
}

/** Everything the console knows about the fleet right now. */
export interface FleetState {
  /** Nodes by name. */
  nodes: ReadonlyMap<string, Node>;
  readings: ReadonlyMap<string, LatestReadings>;
  /** State changes per node since the console connected, oldest first, bounded. */
  history: ReadonlyMap<string, readonly StateTransition[]>;
  /** False until the first node list arrives. */
  loaded: boolean;
}

/** What can change the fleet picture: a full listing, one event, or a node returned by an action. */
export type FleetAction =
  | { type: 'listed'; nodes: readonly Node[] }
  | { type: 'event'; event: AuroraEvent }
  | { type: 'node.updated'; node: Node };

/** State changes kept per node; older ones fall off. */
export const HISTORY_LIMIT = 50;

/** The picture before anything has been loaded. */
export const emptyFleet: FleetState = { nodes: new Map(), readings: new Map(), history: new Map(), loaded: false };

function withNode(state: FleetState, node: Node): FleetState {
  const nodes = new Map(state.nodes);
  nodes.set(node.name, node);
  return { ...state, nodes };
}

function latestOf(samples: readonly MetricSample[], name: string): MetricSample | undefined {
  let latest: MetricSample | undefined;
  for (const s of samples) if (s.name === name && (!latest || s.ts >= latest.ts)) latest = s;
  return latest;
}

function withHeartbeat(state: FleetState, name: string, at: string, samples: readonly MetricSample[]): FleetState {
  let next = state;
  const node = state.nodes.get(name);
  if (node) next = withNode(state, { ...node, lastHeartbeatAt: at });
  const cpu = latestOf(samples, 'cpu.usage_pct');
  const mem = latestOf(samples, 'mem.used_pct');
  if (!cpu && !mem) return next;
  const previous = state.readings.get(name);
  const readings = new Map(state.readings);
  readings.set(name, {
    cpuPct: cpu?.value ?? previous?.cpuPct,
    memPct: mem?.value ?? previous?.memPct,
    at: Math.max(cpu?.ts ?? 0, mem?.ts ?? 0, previous?.at ?? 0),
  });
  return { ...next, readings };
}

function withTransition(state: FleetState, name: string, transition: StateTransition): FleetState {
  const history = new Map(state.history);
  const list = [...(history.get(name) ?? []), transition];
  history.set(name, list.slice(-HISTORY_LIMIT));
  return { ...state, history };
}

function withoutNode(state: FleetState, name: string): FleetState {
  const nodes = new Map(state.nodes);
  nodes.delete(name);
  const readings = new Map(state.readings);
  readings.delete(name);
  return { ...state, nodes, readings };
}

function applyEvent(state: FleetState, event: AuroraEvent): FleetState {
  switch (event.type) {
    case 'node.joined':
      return withNode(state, event.node);
    case 'node.state_changed':
      return withTransition(withNode(state, event.node), event.node.name, {
        from: event.from,
        to: event.to,
        reason: event.reason,
        at: event.at,
      });
    case 'node.heartbeat':
      return withHeartbeat(state, event.name, event.at, event.samples);
    case 'node.deleted':
      return withoutNode(state, event.name);
    default:
      return state; // event types newer than this console are ignored
  }
}

/** Applies one action to the fleet picture. A listing replaces nodes but keeps readings and history. */
export function fleetReducer(state: FleetState, action: FleetAction): FleetState {
  switch (action.type) {
    case 'listed':
      return { ...state, nodes: new Map(action.nodes.map((n) => [n.name, n])), loaded: true };
    case 'node.updated':
      return withNode(state, action.node);
    case 'event':
      return applyEvent(state, action.event);
  }
}

/** Counts nodes per state, with every state present (zero when none). */
export function countByState(nodes: Iterable<Node>): Record<NodeState, number> {
  const counts: Record<NodeState, number> = { joining: 0, ready: 0, suspect: 0, down: 0, cordoned: 0, draining: 0 };
  for (const node of nodes) counts[node.state] += 1;
  return counts;
}

/** Every node state, in the order the console lists them. */
export const NODE_STATES: readonly NodeState[] = ['ready', 'joining', 'suspect', 'down', 'cordoned', 'draining'];
