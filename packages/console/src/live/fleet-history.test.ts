import type { AuroraEvent, Node, NodeState } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import {
  emptyFleet,
  type FleetState,
  fleetReducer,
  HISTORY_LIMIT,
  mergeHistory,
  type StateTransition,
} from './fleet.js';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

function change(from: NodeState, to: NodeState, second: number, reason = `${from} to ${to}`): StateTransition {
  return { from, to, reason, at: at(second) };
}

function node(name: string, state: NodeState): Node {
  return {
    id: `id-${name}`,
    name,
    state,
    stateReason: 'test',
    stateSince: at(0),
    labels: {},
    zone: null,
    facts: null,
    conditions: [],
    lastHeartbeatAt: null,
    createdAt: at(0),
  };
}

function live(name: string, t: StateTransition): AuroraEvent {
  return { type: 'node.state_changed', node: node(name, t.to), ...t };
}

const loaded = (state: FleetState, name: string, transitions: StateTransition[]) =>
  fleetReducer(state, { type: 'history.loaded', name, transitions });

describe('stored state history in the fleet picture', () => {
  it('a node page opened after the node was cordoned shows that change from the store', () => {
    const state = loaded(emptyFleet, 'web-1', [change('joining', 'ready', 1), change('ready', 'cordoned', 2)]);
    expect(state.history.get('web-1')?.map((t) => t.to)).toEqual(['ready', 'cordoned']);
  });

  it('a change seen live before the stored page arrives is kept once, and later live changes append', () => {
    const cordon = change('ready', 'cordoned', 2);
    let state = fleetReducer(emptyFleet, { type: 'event', event: live('web-1', cordon) });
    state = loaded(state, 'web-1', [change('joining', 'ready', 1), cordon]);
    state = fleetReducer(state, { type: 'event', event: live('web-1', change('cordoned', 'ready', 3)) });
    expect(state.history.get('web-1')?.map((t) => `${t.from}>${t.to}`)).toEqual([
      'joining>ready',
      'ready>cordoned',
      'cordoned>ready',
    ]);
  });

  it('a live change the store had not recorded yet when read stays after the stored ones', () => {
    const state = loaded(
      fleetReducer(emptyFleet, { type: 'event', event: live('web-1', change('ready', 'suspect', 5)) }),
      'web-1',
      [change('joining', 'ready', 1)],
    );
    expect(state.history.get('web-1')?.map((t) => t.to)).toEqual(['ready', 'suspect']);
  });

  it('loading again (the stream reopened) keeps one copy of everything', () => {
    const stored = [change('joining', 'ready', 1), change('ready', 'cordoned', 2)];
    const once = loaded(emptyFleet, 'web-1', stored);
    expect(loaded(once, 'web-1', stored).history.get('web-1')).toEqual(once.history.get('web-1'));
  });

  it('keeps other nodes apart and forgets a deleted node, so a node joining again under its name starts afresh', () => {
    let state = loaded(emptyFleet, 'web-1', [change('joining', 'ready', 1)]);
    state = loaded(state, 'db-1', [change('joining', 'ready', 1), change('ready', 'down', 9)]);
    expect(state.history.get('web-1')).toHaveLength(1);
    state = fleetReducer(state, { type: 'event', event: { type: 'node.deleted', name: 'db-1', at: at(10) } });
    expect(state.history.has('db-1')).toBe(false);
    expect(state.history.get('web-1')).toHaveLength(1);
  });

  it('stays bounded, keeping the newest changes', () => {
    const stored = Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) =>
      change(i % 2 ? 'cordoned' : 'ready', i % 2 ? 'ready' : 'cordoned', i),
    );
    const merged = mergeHistory(stored, [change('ready', 'draining', 999)]);
    expect(merged).toHaveLength(HISTORY_LIMIT);
    expect(merged.at(-1)?.to).toBe('draining');
    expect(merged[0]).toEqual(stored[6]);
  });

  it('drops a live change older than the stored page, which already covers that time', () => {
    const merged = mergeHistory([change('ready', 'cordoned', 50)], [change('joining', 'ready', 1)]);
    expect(merged.map((t) => t.to)).toEqual(['cordoned']);
  });
});
