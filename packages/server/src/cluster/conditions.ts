import type { NodeCondition } from '@aurora/sdk';

/** What a heartbeat tells about a node's conditions. */
export interface ConditionInputs {
  /** Agent clock minus server clock, ms. */
  skewMs: number;
  skewThresholdMs: number;
  droppedSamples: number;
  /** How far the heartbeat's latest sample time is ahead of the server clock, ms. */
  samplesAheadMs?: number;
  /** Samples of the heartbeat dropped because their values are out of their metric's range. */
  outOfRange?: number;
  /** The first of them, e.g. `cpu.usage_pct=12345 (must be 0 to 100)`. */
  outOfRangeExample?: string | undefined;
  now: number;
}

function upsert(list: NodeCondition[], next: Omit<NodeCondition, 'since'>, now: number): NodeCondition[] {
  const current = list.find((c) => c.type === next.type);
  if (!current && next.status === 'false') return list;
  const since = current && current.status === next.status ? current.since : new Date(now).toISOString();
  return [...list.filter((c) => c.type !== next.type), { ...next, since }].sort((a, b) => a.type.localeCompare(b.type));
}

function ago(ms: number): string {
  const s = ms / 1000;
  if (s < 3600) return `${s.toFixed(1)}s`;
  if (s < 86_400 * 2) return `${(s / 3600).toFixed(1)}h`;
  if (s < 86_400 * 730) return `${(s / 86_400).toFixed(0)}d`;
  return `${(s / (86_400 * 365.25)).toFixed(0)} years`;
}

/**
 * Updates a node's conditions from one heartbeat: `ClockSkew` when the agent's
 * clock is off by more than the threshold, `DroppedSamples` when the agent had
 * to drop samples, `FutureSamples` when sample times run ahead of the server
 * clock by more than the skew threshold (stored as stamped, not refused: an
 * agent whose clock is wrong still reports), `InvalidSamples` when values its
 * metrics cannot hold were dropped. `since` changes only when a condition's
 * status changes; each reflects the latest heartbeat.
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
  const ahead = input.samplesAheadMs ?? 0;
  const future = ahead > input.skewThresholdMs;
  out = upsert(
    out,
    {
      type: 'FutureSamples',
      status: future ? 'true' : 'false',
      reason: future ? 'SampleTimesAhead' : 'SampleTimesInSync',
      message: future
        ? `sample times up to ${ago(ahead)} ahead of the server clock (threshold ${input.skewThresholdMs / 1000}s); stored as stamped, fix the clock or the collector on the node`
        : 'no sample time ahead of the server clock',
    },
    input.now,
  );
  const invalid = input.outOfRange ?? 0;
  out = upsert(
    out,
    {
      type: 'InvalidSamples',
      status: invalid > 0 ? 'true' : 'false',
      reason: invalid > 0 ? 'ValueOutOfRange' : 'ValuesInRange',
      message:
        invalid > 0
          ? `dropped ${invalid} samples whose values their metrics cannot hold, e.g. ${input.outOfRangeExample ?? 'unknown'}; the rest of the heartbeat was stored`
          : 'every sample value in range',
    },
    input.now,
  );
  return out;
}
