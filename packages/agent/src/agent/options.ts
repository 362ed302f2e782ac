/**
 * The agent's options, compiled once: defaults applied, every value checked,
 * the result frozen. Errors name the option and how to fix it.
 */
import type { Logger } from 'pino';
import { type ActionsConfig, type CompiledActions, compileActions } from '../actions/config.js';
import type { MetricsSource } from '../collect/metrics.js';
import { baseUrl } from '../http/base-url.js';
import { validateNodeName } from '../identity/node-name.js';
import type { AgentRuntime } from '../runtime/runtime.js';

/** What {@link startAgent} accepts. Only `server` and `stateDir` are required (plus `token` on first start). */
export interface AgentOptions {
  /** Base URL of the control plane, e.g. `http://127.0.0.1:7070`. */
  server: string;
  /**
   * Base URLs of more replicas of the same control plane (on one PostgreSQL), tried in this order
   * when the one in use cannot be reached; requests stay on a replica while it answers.
   */
  servers?: readonly string[] | undefined;
  /** Join token; needed only until the node has a stored credential. */
  token?: string | undefined;
  /** Directory for the node credential (created with mode 0700). */
  stateDir: string;
  /** Node name; defaults to one derived from the hostname. */
  name?: string | undefined;
  labels?: Record<string, string> | undefined;
  zone?: string | undefined;
  /**
   * Collection and heartbeat interval. When left out the agent starts at 5 s
   * and then follows the interval the control plane asks for.
   */
  intervalMs?: number | undefined;
  /** Bound of the outbox while the control plane is unreachable; default 100 000 samples. */
  maxBufferedSamples?: number | undefined;
  /** Ceiling of the retry backoff while the control plane is unreachable; default 5 s. */
  maxBackoffMs?: number | undefined;
  /**
   * How often a request the control plane refused (401/403 or another 4xx) is tried again; default 60 s.
   * It will not succeed until someone acts, so retrying it at the backoff pace would only flood the log.
   */
  refusedRetryMs?: number | undefined;
  /**
   * While heartbeats fail, how often the outbox is also written to the state
   * directory, bounding what a crash can lose; default 30 s.
   */
  outboxSaveIntervalMs?: number | undefined;
  /**
   * The allow-list of actions the control plane may ask for (supervised services, systemd units,
   * cleanup roots, process names and cgroups, log sets); empty by default, which refuses every action.
   */
  actions?: ActionsConfig | undefined;
  /**
   * For an https:// server: the cluster CA's fingerprint (`sha256:<hex>`, printed in the join command by
   * `aurora token create`). The CA is fetched from the server and kept only if it matches.
   */
  caHash?: string | undefined;
  /** For an https:// server: the cluster CA's PEM itself, from a caller that already trusts it (`aurora up`). */
  caCertificate?: string | undefined;
  /**
   * PEM of the CA that issued the server's certificate when the operator supplied it (`--tls-cert`), trusted
   * for the server besides the cluster CA. Client certificates still come from the cluster CA.
   */
  serverCa?: string | undefined;
  /** pino logger; defaults to one writing JSON lines to stdout. */
  logger?: Logger | undefined;
  /** Where samples come from; defaults to the real machine. */
  metrics?: MetricsSource | undefined;
  /** Clock, randomness and timers; defaults to the real ones. */
  runtime?: Partial<AgentRuntime> | undefined;
  /** Aborting it gives up a join that is still waiting for the control plane. */
  signal?: AbortSignal | undefined;
  /** `fetch` used by the API client; defaults to the global one. */
  fetch?: typeof fetch | undefined;
}

/** {@link AgentOptions} after validation and defaults. */
export interface CompiledAgentOptions {
  readonly server: string;
  /** `server` first, then the other replicas, each without a trailing slash and each once. */
  readonly servers: readonly string[];
  readonly token: string | undefined;
  readonly stateDir: string;
  readonly name: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly zone: string | undefined;
  readonly intervalMs: number;
  /** True when the interval was given, so the control plane's suggestion is ignored. */
  readonly intervalFixed: boolean;
  readonly maxBufferedSamples: number;
  readonly maxBackoffMs: number;
  readonly refusedRetryMs: number;
  readonly outboxSaveIntervalMs: number;
  readonly actions: CompiledActions;
  /** Pinned fingerprint of the cluster CA, lower case. */
  readonly caHash: string | undefined;
}

/** Interval used until the control plane suggests one. */
export const DEFAULT_INTERVAL_MS = 5_000;
/** Default outbox bound. */
export const DEFAULT_MAX_BUFFERED_SAMPLES = 100_000;
/**
 * Default ceiling of the retry backoff. A control plane that restarts is back within seconds, and the agent
 * should be too: the ceiling stays at a few seconds (with full jitter, so a fleet does not retry in lockstep).
 */
export const DEFAULT_MAX_BACKOFF_MS = 5_000;
/** Default of {@link AgentOptions.refusedRetryMs}. */
export const DEFAULT_REFUSED_RETRY_MS = 60_000;
/** Default period of saving the outbox during an outage. */
export const DEFAULT_OUTBOX_SAVE_INTERVAL_MS = 30_000;

function positiveInteger(key: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`agent option ${key} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function checkServerUrl(option: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`agent option ${option} must be a URL such as http://127.0.0.1:7070, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`agent option ${option} must use http or https, got "${value}"`);
  }
  return url;
}

/** Validates and freezes {@link AgentOptions}. */
export function compileAgentOptions(options: AgentOptions): CompiledAgentOptions {
  const server = checkServerUrl('server', options.server);
  const others = (options.servers ?? []).map((url, i) => checkServerUrl(`servers[${i}]`, url));
  for (const [i, other] of others.entries()) {
    if (other.protocol !== server.protocol) {
      throw new Error(
        `agent option servers[${i}] must use ${server.protocol}// as server does (replicas of one control plane), got "${options.servers?.[i]}"`,
      );
    }
  }
  const servers = [...new Set([baseUrl(options.server), ...(options.servers ?? []).map(baseUrl)])];
  if (!options.stateDir) throw new Error('agent option stateDir is required: a directory for the node credential');
  for (const [key, value] of Object.entries(options.labels ?? {})) {
    if (key.length === 0 || key.length > 63 || value.length > 253) {
      throw new Error(`agent label "${key}" must have a 1-63 character key and a value of at most 253 characters`);
    }
  }
  const maxBackoffMs = positiveInteger('maxBackoffMs', options.maxBackoffMs, DEFAULT_MAX_BACKOFF_MS);
  const caHash = options.caHash?.trim().toLowerCase() || undefined;
  if (caHash !== undefined && !/^sha256:[0-9a-f]{64}$/.test(caHash)) {
    throw new Error(
      `agent option caHash must be "sha256:" and 64 hex digits, as "aurora token create" prints it, got "${options.caHash}"`,
    );
  }
  return Object.freeze({
    caHash,
    server: baseUrl(options.server),
    servers: Object.freeze(servers),
    token: options.token || undefined,
    stateDir: options.stateDir,
    name: options.name === undefined ? undefined : validateNodeName(options.name),
    labels: Object.freeze({ ...(options.labels ?? {}) }),
    zone: options.zone || undefined,
    intervalMs: positiveInteger('intervalMs', options.intervalMs, DEFAULT_INTERVAL_MS),
    intervalFixed: options.intervalMs !== undefined,
    maxBufferedSamples: positiveInteger('maxBufferedSamples', options.maxBufferedSamples, DEFAULT_MAX_BUFFERED_SAMPLES),
    maxBackoffMs,
    refusedRetryMs: positiveInteger('refusedRetryMs', options.refusedRetryMs, DEFAULT_REFUSED_RETRY_MS),
    outboxSaveIntervalMs: positiveInteger(
      'outboxSaveIntervalMs',
      options.outboxSaveIntervalMs,
      DEFAULT_OUTBOX_SAVE_INTERVAL_MS,
    ),
    actions: compileActions(options.actions, options.stateDir),
  });
}
