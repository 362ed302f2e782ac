import type { NodeCondition } from '@aurora/sdk';

/** What a heartbeat tells about a node's conditions. */
export interface ConditionInputs {
  /** Agent clock minus server clock, ms. */
  skewMs: number;
  skewThresholdMs: number;
  droppedSamples: number;
  now: number;
}

function upsert(list: NodeCondition[], next: Omit<NodeCondition, 'since'>, now: number): NodeCondition[] {
  const current = list.find((c) => c.type === next.type);
  if (!current && next.status === 'false') return list;
  const since = current && current.status === next.status ? current.since : new Date(now).toISOString();
  return [...list.filter((c) => c.type !== next.type), { ...next, since }].sort((a, b) => a.type.localeCompare(b.type));
}

/**
 * Updates a node's conditions from one heartbeat: `ClockSkew` when the agent's
 * clock is off by more than the threshold, `DroppedSamples` when the agent had
 * to drop samples. `since` changes only when a condition's status changes.
 */
export function nextConditions(current: NodeCondition[], input: ConditionInputs): NodeCondition[] {
  const skewed = Math.abs(input.skewMs) > input.skewThresholdMs;
  const direction = input.skewMs > 0 ? 'ahead of' : 'behind';
  let out = upsert(
    current,
    {
      type: 'ClockSkew',
      status: skewed ? 'true' : 'false',
      reason: skewed ? 'AgentClockOffset' : 'ClockInSync',
      message: skewed
        ? `agent clock is ${(Math.abs(input.skewMs) / 1000).toFixed(1)}s ${direction} the server (threshold ${input.skewThresholdMs / 1000}s); samples keep agent timestamps, fix NTP on the node`
        : 'agent clock within threshold',
    },
    input.now,
  );
  const dropped = input.droppedSamples > 0;
  out = upsert(
    out,
    {
      type: 'DroppedSamples',
      status: dropped ? 'true' : 'false',
      reason: dropped ? 'AgentBufferFull' : 'NoneDropped',
      message: dropped
        ? `agent dropped ${input.droppedSamples} samples while the control plane was unreachable`
        : 'no samples dropped',
    },
    input.now,
  );
  return out;
}
