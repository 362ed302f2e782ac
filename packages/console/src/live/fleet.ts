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

/** One state change of a node, stored by the server or seen on the event stream. */
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
  /** State changes per node, oldest first, bounded: the stored ones a node page loaded, then live ones. */
  history: ReadonlyMap<string, readonly StateTransition[]>;
  /** False until the first node list arrives. */
  loaded: boolean;
}

/**
 * What can change the fleet picture: a full listing, events (one or a batch), a node returned by an
 * action, or a node's stored state changes (oldest first) read from `GET /v1/nodes/:name/transitions`.
 */
export type FleetAction =
  | { type: 'listed'; nodes: readonly Node[] }
  | { type: 'event'; event: AuroraEvent }
  | { type: 'events'; events: readonly AuroraEvent[] }
  | { type: 'node.updated'; node: Node }
  | { type: 'history.loaded'; name: string; transitions: readonly StateTransition[] };

/** State changes kept per node; older ones fall off. */
export const HISTORY_LIMIT = 50;

/** The picture before anything has been loaded. */
export const emptyFleet: FleetState = { nodes: new Map(), readings: new Map(), history: new Map(), loaded: false };

/** Mutable copies of the maps, so a batch of events costs one copy rather than one per event. */
interface Draft {
  nodes: Map<string, Node>;
  readings: Map<string, LatestReadings>;
  history: Map<string, readonly StateTransition[]>;
}

function latestOf(samples: readonly MetricSample[], name: string): MetricSample | undefined {
  let latest: MetricSample | undefined;
  for (const s of samples) if (s.name === name && (!latest || s.ts >= latest.ts)) latest = s;
  return latest;
}

function applyHeartbeat(draft: Draft, name: string, at: string, samples: readonly MetricSample[]): void {
  const node = draft.nodes.get(name);
  if (node) draft.nodes.set(name, { ...node, lastHeartbeatAt: at });
  const cpu = latestOf(samples, 'cpu.usage_pct');
  const mem = latestOf(samples, 'mem.used_pct');
  if (!cpu && !mem) return;
  const previous = draft.readings.get(name);
  draft.readings.set(name, {
    cpuPct: cpu?.value ?? previous?.cpuPct,
    memPct: mem?.value ?? previous?.memPct,
    at: Math.max(cpu?.ts ?? 0, mem?.ts ?? 0, previous?.at ?? 0),
  });
}

function applyEvent(draft: Draft, event: AuroraEvent): void {
  switch (event.type) {
    case 'node.joined':
      draft.nodes.set(event.node.name, event.node);
      return;
    case 'node.state_changed': {
      draft.nodes.set(event.node.name, event.node);
      const { from, to, reason, at } = event;
      const list = [...(draft.history.get(event.node.name) ?? []), { from, to, reason, at }];
      draft.history.set(event.node.name, list.slice(-HISTORY_LIMIT));
      return;
    }
    case 'node.heartbeat':
      applyHeartbeat(draft, event.name, event.at, event.samples);
      return;
    case 'node.deleted':
      draft.nodes.delete(event.name);
      draft.readings.delete(event.name);
      // A node that joins again under this name starts a new history.
      draft.history.delete(event.name);
      return;
    default:
      return; // event types newer than this console are ignored
  }
}

function applyEvents(state: FleetState, events: readonly AuroraEvent[]): FleetState {
  if (events.length === 0) return state;
  const draft: Draft = {
    nodes: new Map(state.nodes),
    readings: new Map(state.readings),
    history: new Map(state.history),
  };
  for (const event of events) applyEvent(draft, event);
  return { ...draft, loaded: state.loaded };
}

const transitionKey = (t: StateTransition) => `${t.at}|${t.from}|${t.to}|${t.reason}`;

/**
 * A node's stored transitions (oldest first, in the order the server recorded them) followed by
 * those seen live that the store did not return yet: a change seen both ways is kept once, and
 * live ones older than the stored page are dropped, since the page already ends the history there.
 */
export function mergeHistory(
  stored: readonly StateTransition[],
  live: readonly StateTransition[],
): readonly StateTransition[] {
  const known = new Set(stored.map(transitionKey));
  const oldest = stored[0] ? Date.parse(stored[0].at) : Number.NEGATIVE_INFINITY;
  const newer = live.filter((t) => !known.has(transitionKey(t)) && Date.parse(t.at) >= oldest);
  return [...stored, ...newer].slice(-HISTORY_LIMIT);
}

/** Applies one action to the fleet picture. A listing replaces nodes but keeps readings and history. */
export function fleetReducer(state: FleetState, action: FleetAction): FleetState {
  switch (action.type) {
    case 'listed':
      return { ...state, nodes: new Map(action.nodes.map((n) => [n.name, n])), loaded: true };
    case 'node.updated': {
      const nodes = new Map(state.nodes);
      nodes.set(action.node.name, action.node);
      return { ...state, nodes };
    }
    case 'history.loaded': {
      const history = new Map(state.history);
      history.set(action.name, mergeHistory(action.transitions, state.history.get(action.name) ?? []));
      return { ...state, history };
    }
    case 'event':
      return applyEvents(state, [action.event]);
    case 'events':
      return applyEvents(state, action.events);
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
