/**
 * One heartbeat: facts plus the oldest pending batches go out; the batches
 * the control plane acknowledges leave the outbox for good. Batches it does
 * not acknowledge stay and are sent again, under the same ids, so the server
 * can store a replay once.
 */
import type { AgentActionResult, AuroraClient, HeartbeatResponse, NodeFacts } from '@aurora/sdk';
import type { BatchBuffer } from '../buffer/batch-buffer.js';

/** The contract's limit on batches per heartbeat. */
export const MAX_BATCHES_PER_HEARTBEAT = 64;
/** Keeps a heartbeat body well under common 1 MiB request limits (~100 bytes per sample). */
export const MAX_SAMPLES_PER_HEARTBEAT = 5_000;

/** What one successful heartbeat achieved. */
export interface HeartbeatOutcome {
  response: HeartbeatResponse;
  acknowledged: number;
  /** More batches were pending than one heartbeat may carry. */
  backlog: boolean;
}

/** Sends one heartbeat and applies its acknowledgement; throws what the client throws. */
export async function sendHeartbeat(
  client: AuroraClient,
  credential: string,
  facts: NodeFacts,
  buffer: BatchBuffer,
  sentAt: number,
  actionResults: readonly AgentActionResult[] = [],
): Promise<HeartbeatOutcome> {
  const batches = buffer.peek({ maxBatches: MAX_BATCHES_PER_HEARTBEAT, maxSamples: MAX_SAMPLES_PER_HEARTBEAT });
  // Fewer batches taken than pending means the outbox holds a backlog from an outage.
  const limited = batches.length < buffer.pendingBatches;
  const droppedSamples = buffer.unreportedDrops;
  const response = await client.heartbeat(credential, {
    sentAt,
    facts,
    batches,
    ...(droppedSamples > 0 ? { droppedSamples } : {}),
    ...(actionResults.length > 0 ? { actionResults: [...actionResults] } : {}),
  });
  buffer.markDropsReported(droppedSamples);
  const acknowledged = buffer.acknowledge(response.acknowledged);
  return { response, acknowledged, backlog: limited && acknowledged > 0 };
}
