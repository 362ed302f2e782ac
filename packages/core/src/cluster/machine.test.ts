import { describe, expect, it } from 'vitest';
import { initialHealth, stepHealth } from './machine.js';
import type { HealthInput, HealthTransition, NodeHealth } from './types.js';
import { defaultHealthConfig } from './types.js';

function run(inputs: HealthInput[], start: NodeHealth = initialHealth(0)) {
  let health = start;
  const transitions: HealthTransition[] = [];
  for (const input of inputs) {
    const step = stepHealth(health, input);
    health = step.health;
    transitions.push(...step.transitions);
  }
  return { health, transitions };
}

const hb = (at: number): HealthInput => ({ kind: 'heartbeat', at });
const tick = (at: number): HealthInput => ({ kind: 'tick', at });

describe('node health state machine', () => {
  it('a joining node becomes ready on its first heartbeat', () => {
    const { health, transitions } = run([hb(1_000)]);
    expect(health.state).toBe('ready');
    expect(transitions).toEqual([{ from: 'joining', to: 'ready', reason: 'first heartbeat received', at: 1_000 }]);
  });

  it('a ready node that misses three heartbeats turns suspect, then down after 40 s of silence', () => {
    const { health, transitions } = run([hb(0), tick(14_999), tick(15_000), tick(39_999), tick(40_000)]);
    expect(transitions.map((t) => t.to)).toEqual(['ready', 'suspect', 'down']);
    expect(transitions[1]?.at).toBe(15_000);
    expect(transitions[2]?.reason).toContain('no heartbeat for 40s');
    expect(health.state).toBe('down');
  });

  it('a down node returns to ready when heartbeats resume', () => {
    const { health, transitions } = run([hb(0), tick(50_000), hb(51_000)]);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['joining>ready', 'ready>down', 'down>ready']);
    expect(health.reason).toBe('heartbeats resumed after being down');
  });

  it('a heartbeat after a long silence records the missed down transition first', () => {
    const { transitions } = run([hb(0), hb(60_000)]);
    expect(transitions.map((t) => t.to)).toEqual(['ready', 'down', 'ready']);
  });

  it('a joining node that never heartbeats turns suspect then down', () => {
    const { transitions } = run([tick(15_000), tick(40_000)]);
    expect(transitions.map((t) => t.to)).toEqual(['suspect', 'down']);
    expect(transitions[0]?.reason).toContain('no first heartbeat');
  });

  it('a cordoned node keeps its operator state while healthy and returns to it after an outage', () => {
    const { health, transitions } = run([hb(0), { kind: 'cordon', at: 1_000 }, hb(5_000), tick(20_000), hb(21_000)]);
    expect(transitions.map((t) => t.to)).toEqual(['ready', 'cordoned', 'suspect', 'cordoned']);
    expect(health.operatorState).toBe('cordoned');
  });

  it('uncordon returns a cordoned node to ready, and drain moves it to draining', () => {
    const { transitions } = run([
      hb(0),
      { kind: 'cordon', at: 1 },
      { kind: 'uncordon', at: 2 },
      { kind: 'drain', at: 3 },
    ]);
    expect(transitions.map((t) => `${t.to}:${t.reason}`)).toEqual([
      'ready:first heartbeat received',
      'cordoned:cordoned by an operator',
      'ready:uncordoned by an operator',
      'draining:drained by an operator',
    ]);
  });

  it('cordoning an unhealthy node records the wish without claiming it is healthy', () => {
    const { health, transitions } = run([hb(0), tick(20_000), { kind: 'cordon', at: 21_000 }]);
    expect(health.state).toBe('suspect');
    expect(health.operatorState).toBe('cordoned');
    expect(transitions.map((t) => t.to)).toEqual(['ready', 'suspect']);
  });

  it('a node cordoned while suspect becomes cordoned when heartbeats resume, saying an operator chose it', () => {
    const { transitions } = run([hb(0), tick(20_000), { kind: 'cordon', at: 21_000 }, hb(22_000)]);
    expect(transitions.at(-1)).toEqual({
      from: 'suspect',
      to: 'cordoned',
      reason: 'cordoned by an operator; heartbeats resumed after being suspect',
      at: 22_000,
    });
  });

  it('silence from before the judge began watching is not held against a node', () => {
    // A control plane that was away from 5 s to 60 s judges from 60 s on: no suspect on the first heartbeat.
    const watched = (input: HealthInput): HealthInput => ({ ...input, watchedSince: 60_000 });
    const back = run([hb(0), hb(5_000), watched(tick(60_000)), watched(tick(74_999)), watched(hb(65_000))]);
    expect(back.transitions.map((t) => t.to)).toEqual(['ready']);
    expect(back.health.state).toBe('ready');
    // A node that stays silent is suspect one suspect interval after the judge began, then down.
    const silent = run([hb(0), watched(tick(60_000)), watched(tick(74_999)), watched(tick(75_000))]);
    expect(silent.transitions.map((t) => t.to)).toEqual(['ready', 'suspect']);
    expect(silent.transitions[1]?.reason).toBe(
      'no heartbeat for 15s since the control plane took over (suspect after 15s)',
    );
    expect(run([hb(0), watched(tick(100_000))]).transitions.map((t) => t.to)).toEqual(['ready', 'down']);
  });

  it('a node that flapped three times in the window is held down until it stays healthy for the hold-down period', () => {
    const inputs: HealthInput[] = [hb(0)];
    let t = 0;
    for (let i = 0; i < 3; i++) {
      t += 20_000;
      inputs.push(tick(t));
      t += 1_000;
      inputs.push(hb(t));
    }
    const flapped = run(inputs);
    expect(flapped.health.state).toBe('suspect');
    expect(flapped.health.reason).toMatch(/^flapping \(3 failures in 600s\).*must stay healthy for 60s before ready/);
    const beats: HealthInput[] = [];
    for (let at = t + 5_000; at <= t + 60_000; at += 5_000) beats.push(hb(at));
    const recovered = run(beats, flapped.health);
    expect(recovered.health.state).toBe('ready');
    expect(recovered.transitions).toHaveLength(1);
    expect(recovered.transitions[0]?.reason).toContain('hold-down of 60s over');
    expect(recovered.transitions[0]?.at).toBe(t + 60_000);
  });

  it('inputs from the past are treated as happening at the latest time seen', () => {
    const { health } = run([hb(10_000), tick(5_000)]);
    expect(health.observedAt).toBe(10_000);
    expect(health.lastHeartbeatAt).toBe(10_000);
  });

  it('uses the documented defaults', () => {
    expect(defaultHealthConfig.suspectAfterMs).toBe(15_000);
    expect(defaultHealthConfig.downAfterMs).toBe(40_000);
  });
});
