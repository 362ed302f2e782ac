import type { Node } from '@aurora/sdk';
import { describe, expect, it } from 'vitest';
import { countByState, emptyFleet, type FleetState, fleetReducer, HISTORY_LIMIT } from './fleet.js';

function node(name: string, overrides: Partial<Node> = {}): Node {
  return {
    id: `id-${name}`,
    name,
    state: 'ready',
    stateReason: 'heartbeats arriving',
    stateSince: '2026-01-01T00:00:00.000Z',
    labels: {},
    zone: null,
    facts: null,
    conditions: [],
    lastHeartbeatAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function listed(...nodes: Node[]): FleetState {
  return fleetReducer(emptyFleet, { type: 'listed', nodes });
}

describe('fleet picture', () => {
  it('is marked loaded with the listed nodes by name', () => {
    const state = listed(node('a'), node('b'));
    expect(state.loaded).toBe(true);
    expect([...state.nodes.keys()]).toEqual(['a', 'b']);
  });

  it('adds a node that joins and removes a node that is deleted, with its readings', () => {
    let state = fleetReducer(listed(), { type: 'event', event: { type: 'node.joined', node: node('c'), at: 'x' } });
    state = fleetReducer(state, {
      type: 'event',
      event: { type: 'node.heartbeat', name: 'c', at: 't', samples: [{ ts: 1, name: 'cpu.usage_pct', value: 5 }] },
    });
    expect(state.nodes.has('c')).toBe(true);
    state = fleetReducer(state, { type: 'event', event: { type: 'node.deleted', name: 'c', at: 'y' } });
    expect(state.nodes.has('c')).toBe(false);
    expect(state.readings.has('c')).toBe(false);
  });

  it('takes the newest cpu and memory samples of a heartbeat and its time as the last heartbeat', () => {
    const state = fleetReducer(listed(node('a')), {
      type: 'event',
      event: {
        type: 'node.heartbeat',
        name: 'a',
        at: '2026-01-01T00:00:05.000Z',
        samples: [
          { ts: 2000, name: 'cpu.usage_pct', value: 40 },
          { ts: 1000, name: 'cpu.usage_pct', value: 10 },
          { ts: 2000, name: 'mem.used_pct', value: 55 },
          { ts: 2000, name: 'disk.used_pct', value: 90, labels: { mount: '/' } },
        ],
      },
    });
    expect(state.readings.get('a')).toEqual({ cpuPct: 40, memPct: 55, at: 2000 });
    expect(state.nodes.get('a')?.lastHeartbeatAt).toBe('2026-01-01T00:00:05.000Z');
  });

  it('keeps the previous memory reading when a heartbeat carries only cpu', () => {
    const hb = (samples: { ts: number; name: string; value: number }[]) =>
      ({ type: 'event', event: { type: 'node.heartbeat', name: 'a', at: 't', samples } }) as const;
    let state = fleetReducer(listed(node('a')), hb([{ ts: 1, name: 'mem.used_pct', value: 30 }]));
    state = fleetReducer(state, hb([{ ts: 2, name: 'cpu.usage_pct', value: 70 }]));
    expect(state.readings.get('a')).toEqual({ cpuPct: 70, memPct: 30, at: 2 });
  });

  it('records state changes per node and replaces the node with the changed one', () => {
    const changed = node('a', { state: 'suspect', stateReason: 'missed 2 heartbeats' });
    const state = fleetReducer(listed(node('a')), {
      type: 'event',
      event: {
        type: 'node.state_changed',
        node: changed,
        from: 'ready',
        to: 'suspect',
        reason: 'missed 2 heartbeats',
        at: 'now',
      },
    });
    expect(state.nodes.get('a')?.state).toBe('suspect');
    expect(state.history.get('a')).toEqual([
      { from: 'ready', to: 'suspect', reason: 'missed 2 heartbeats', at: 'now' },
    ]);
  });

  it(`keeps only the last ${HISTORY_LIMIT} state changes of a node`, () => {
    let state = listed(node('a'));
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      state = fleetReducer(state, {
        type: 'event',
        event: {
          type: 'node.state_changed',
          node: node('a'),
          from: 'ready',
          to: 'suspect',
          reason: `r${i}`,
          at: `${i}`,
        },
      });
    }
    const history = state.history.get('a') ?? [];
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]?.reason).toBe('r5');
  });

  it('keeps readings and history across a fresh listing', () => {
    let state = fleetReducer(listed(node('a')), {
      type: 'event',
      event: { type: 'node.heartbeat', name: 'a', at: 't', samples: [{ ts: 1, name: 'cpu.usage_pct', value: 9 }] },
    });
    state = fleetReducer(state, { type: 'listed', nodes: [node('a', { state: 'cordoned' })] });
    expect(state.readings.get('a')?.cpuPct).toBe(9);
    expect(state.nodes.get('a')?.state).toBe('cordoned');
  });

  it('counts nodes per state with zero for absent states', () => {
    expect(countByState([node('a'), node('b', { state: 'down' }), node('c')])).toEqual({
      joining: 0,
      ready: 2,
      suspect: 0,
      down: 1,
      cordoned: 0,
      draining: 0,
    });
  });
});

describe('fleet picture under a batch of events', () => {
  it('applies the events of a batch in order', () => {
    const state = fleetReducer(listed(node('a')), {
      type: 'events',
      events: [
        { type: 'node.joined', node: node('b'), at: '1' },
        { type: 'node.heartbeat', name: 'b', at: '2', samples: [{ ts: 2, name: 'mem.used_pct', value: 12 }] },
        { type: 'node.deleted', name: 'a', at: '3' },
      ],
    });
    expect([...state.nodes.keys()]).toEqual(['b']);
    expect(state.readings.get('b')?.memPct).toBe(12);
    expect(state.loaded).toBe(true);
  });

  it('returns the same picture for an empty batch, so React skips a render', () => {
    const state = listed(node('a'));
    expect(fleetReducer(state, { type: 'events', events: [] })).toBe(state);
  });
});
