import {
  type ActiveHealthOptions,
  type CircuitBreakerOptions,
  defaultActiveHealthOptions,
  defaultCircuitBreakerOptions,
  defaultOutlierOptions,
  defaultRetryBudgetOptions,
  type OutlierOptions,
  type PickerName,
  type RetryBudgetOptions,
} from '@aurora/core';

/** One upstream of a service as the proxy sees it. `weight` 0 means draining: nothing new goes there. */
export interface BackendSpec {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly zone?: string | undefined;
  readonly weight: number;
}

/** A service's routing view: its backends and how to balance them. */
export interface ServiceView {
  readonly name: string;
  readonly backends: readonly BackendSpec[];
}

/** Time limits on every phase of a proxied exchange, in milliseconds. */
export interface ProxyTimeouts {
  /** A client must send its complete request head within this (slowloris). */
  readonly clientHeadersMs: number;
  /** A client must send its complete request, body included, within this. */
  readonly clientRequestMs: number;
  /** Idle time before a client's keep-alive connection is closed. */
  readonly clientIdleMs: number;
  /** Connecting to an upstream. */
  readonly connectMs: number;
  /** From sending the request to the upstream's response head. */
  readonly upstreamHeadersMs: number;
  /** Longest silence between two chunks of an upstream's response body. */
  readonly upstreamBodyIdleMs: number;
  /** Idle upstream keep-alive connections are closed after this. */
  readonly upstreamIdleMs: number;
}

export const defaultTimeouts: ProxyTimeouts = Object.freeze({
  clientHeadersMs: 10_000,
  clientRequestMs: 30_000,
  clientIdleMs: 5_000,
  connectMs: 1_000,
  upstreamHeadersMs: 30_000,
  upstreamBodyIdleMs: 30_000,
  upstreamIdleMs: 4_000,
});

/**
 * Steering away from endpoints much slower than their peers: an endpoint whose mean latency (over about a second)
 * is above `factor` × the fastest healthy peer's and above `floorMs` gets at most one probe per `probeEveryMs`, which keeps its
 * estimate fresh so it returns as soon as it is fast again. The probe is a copy of a safe client request (GET, HEAD,
 * OPTIONS without a body) whose answer is dropped while the client is served by a fast endpoint; only when unsafe
 * requests arrive first is a client request the probe. p2c alone still sends a slow endpoint work whenever both
 * fast ones are busy, and in a closed loop they always are; that work is what lands in the tail.
 */
export interface SlowAvoidanceOptions {
  readonly factor: number;
  readonly floorMs: number;
  readonly probeEveryMs: number;
}

export const defaultSlowAvoidance: SlowAvoidanceOptions = Object.freeze({
  factor: 4,
  floorMs: 10,
  probeEveryMs: 1_000,
});

/** Everything that shapes one service's balancing. */
export interface BalancerOptions {
  readonly picker: PickerName;
  readonly localZone?: string | undefined;
  readonly spillBelow: number;
  readonly outlier: OutlierOptions;
  readonly retryBudget: RetryBudgetOptions;
  readonly breaker: CircuitBreakerOptions;
  readonly health: ActiveHealthOptions | false;
  readonly slow: SlowAvoidanceOptions | false;
  /** How many other backends a failed idempotent request may try. */
  readonly maxRetries: number;
  /** Keep-alive connections per upstream (undici pool size). */
  readonly connectionsPerBackend: number;
}

export const defaultBalancerOptions: BalancerOptions = Object.freeze({
  picker: 'p2c-peak-ewma',
  spillBelow: 0.7,
  outlier: defaultOutlierOptions,
  retryBudget: defaultRetryBudgetOptions,
  breaker: defaultCircuitBreakerOptions,
  health: defaultActiveHealthOptions,
  slow: defaultSlowAvoidance,
  maxRetries: 2,
  connectionsPerBackend: 128,
});
