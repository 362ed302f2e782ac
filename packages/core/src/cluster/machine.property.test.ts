import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialHealth, isHealthyState, stepHealth } from './machine.js';
import type { HealthConfig, HealthInput } from './types.js';

const config: HealthConfig = {
  suspectAfterMs: 15_000,
  downAfterMs: 40_000,
  flapThreshold: 3,
  flapWindowMs: 600_000,
  holdDownMs: 60_000,
};

/** Inputs at non-decreasing times: each carries a gap from the previous one. */
const inputs = fc.array(
  fc.record({
    gap: fc.integer({ min: 0, max: 60_000 }),
    kind: fc.constantFrom<HealthInput['kind']>('heartbeat', 'tick', 'tick', 'heartbeat', 'cordon', 'drain', 'uncordon'),
  }),
  { maxLength: 200 },
);

function* walk(steps: { gap: number; kind: HealthInput['kind'] }[]) {
  let health = initialHealth(0);
  let at = 0;
  for (const { gap, kind } of steps) {
    at += gap;
    const before = health;
    const step = stepHealth(health, { kind, at }, config);
    health = step.health;
    yield { before, health, transitions: step.transitions, at, kind };
  }
}

describe('node health state machine properties', () => {
  it('a node is never healthy without a heartbeat within suspectAfter', () => {
    fc.assert(
      fc.property(inputs, (steps) => {
        for (const { health, at } of walk(steps)) {
          if (!isHealthyState(health.state)) continue;
          expect(health.lastHeartbeatAt).not.toBeNull();
          expect(at - (health.lastHeartbeatAt ?? 0)).toBeLessThan(config.suspectAfterMs);
        }
      }),
    );
  });

  it('a node goes down only after downAfter of silence', () => {
    fc.assert(
      fc.property(inputs, (steps) => {
        for (const { before, transitions } of walk(steps)) {
          for (const t of transitions.filter((x) => x.to === 'down')) {
            expect(t.at - (before.lastHeartbeatAt ?? before.joinedAt)).toBeGreaterThanOrEqual(config.downAfterMs);
          }
        }
      }),
    );
  });

  it('every transition changes state, records a reason and chains from the previous state', () => {
    fc.assert(
      fc.property(inputs, (steps) => {
        for (const { before, health, transitions } of walk(steps)) {
          let state = before.state;
          for (const t of transitions) {
            expect(t.from).toBe(state);
            expect(t.to).not.toBe(t.from);
            expect(t.reason.length).toBeGreaterThan(0);
            state = t.to;
          }
          expect(health.state).toBe(state);
        }
      }),
    );
  });

  it('a healthy node is in its operator state, or ready when there is none', () => {
    fc.assert(
      fc.property(inputs, (steps) => {
        for (const { health } of walk(steps)) {
          if (isHealthyState(health.state)) expect(health.state).toBe(health.operatorState ?? 'ready');
        }
      }),
    );
  });

  it('the failure history stays bounded by the flap threshold', () => {
    fc.assert(
      fc.property(inputs, (steps) => {
        for (const { health } of walk(steps))
          expect(health.failures.length).toBeLessThanOrEqual(config.flapThreshold + 1);
      }),
    );
  });
});
