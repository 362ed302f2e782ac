import type { HealthConfig } from '@aurora/core';
import type { AgentAction, AgentActionResult } from '@aurora/sdk';
import type { Clock } from '../platform/clock.js';
import type { EventBus } from '../platform/events/index.js';
import type { ServerMetrics } from '../platform/http/metrics.js';
import type { DecisionLog, Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import type { QueryEngine, TelemetryIngest } from '../telemetry/index.js';
import type { NodeCredentialCache } from './credentials.js';
import type { HeartbeatQueue } from './heartbeat-queue.js';
import type { SilenceGrace } from './silence-grace.js';

/**
 * Where heartbeats exchange agent actions: the results a node reports go in, the node's open actions
 * come back (the healing capability implements it).
 */
export interface AgentActionExchange {
  exchange(
    nodeId: string,
    results: readonly AgentActionResult[],
  ): Promise<{ stored: string[]; actions: AgentAction[] }>;
}

/** Signs nodes' client certificates; present when the control plane serves HTTPS (mutual TLS on agent routes). */
export interface NodeCertificateIssuer {
  /** PEM of the cluster CA, handed to agents with their certificate. */
  caCertificate: string;
  /** Throws a 400 AuroraError naming `csr` when the request is malformed or its self-signature fails. */
  check(csr: string): Promise<void>;
  issue(csr: string, node: { id: string; name: string }): Promise<{ certificate: string; notAfter: Date }>;
}

/** What the cluster capability's routes and controller share. */
export interface ClusterContext {
  store: Store;
  clock: Clock;
  bus: EventBus;
  metrics: ServerMetrics;
  leadership: Leadership;
  /** The audit chain, where the health reconciler records the transitions it decides. */
  decisions: DecisionLog;
  health: HealthConfig;
  /** When this process began judging silence; earlier silence is not held against a node. */
  grace: SilenceGrace;
  credentials: NodeCredentialCache;
  heartbeats: HeartbeatQueue;
  /** The one entry point for samples; heartbeats feed their batches through it. */
  telemetry: TelemetryIngest;
  /** Range queries over stored samples (the node metrics route). */
  query: QueryEngine;
  heartbeatIntervalMs: number;
  /** URLs of the control plane's replicas serving now, this one first; handed to agents at join. */
  replicaUrls?: () => string[];
  clockSkewThresholdMs: number;
  /** Agent actions carried by heartbeats; without it heartbeats carry none. */
  agentActions?: AgentActionExchange;
  /** Client certificates for nodes; undefined when the control plane speaks plain HTTP (loopback only). */
  nodeCertificates: NodeCertificateIssuer | undefined;
}
