/**
 * The node agent: joins once, then collects metrics every interval into a
 * bounded outbox and heartbeats them to the control plane until stopped.
 * Collection and sending run as two loops so that an outage, with its long
 * backoff, never delays collection.
 */
import { randomUUID } from 'node:crypto';
import { AuroraClient, type NodeFacts } from '@aurora/sdk';
import { pino } from 'pino';
import { ActionExecutor } from '../actions/executor.js';
import { BatchBuffer } from '../buffer/batch-buffer.js';
import { saveOutbox, takeSavedOutbox } from '../buffer/outbox-file.js';
import { collectFacts } from '../collect/facts.js';
import { createSystemMetricsSource } from '../collect/metrics.js';
import { createAgentFetch } from '../http/agent-fetch.js';
import { baseUrl } from '../http/base-url.js';
import { createFailoverFetch } from '../http/failover-fetch.js';
import { credentialPath, saveCredential } from '../identity/credential-store.js';
import { obtainIdentity, rejoin } from '../identity/join.js';
import { backoffDelay, retryPolicy } from '../loop/backoff.js';
import { classifyFailure, describeFailure, requestedWait } from '../loop/failures.js';
import { realRuntime } from '../runtime/runtime.js';
import { prepareTls, renewLoop } from '../tls/agent-tls.js';
import { AGENT_VERSION } from '../version.js';
import { sendHeartbeat } from './heartbeat.js';
import { type AgentOptions, compileAgentOptions } from './options.js';
import type { AgentStats } from './stats.js';

/** A running agent. */
export interface RunningAgent {
  /** The node name the control plane knows this agent by. */
  readonly name: string;
  /** Stops both loops and saves batches still pending to the state directory, for the next start to send. */
  stop(): Promise<void>;
  /** A snapshot of the agent's counters. */
  stats(): AgentStats;
}

/** How often facts (disks, addresses, ...) are read again; they change rarely and cost more than metrics. */
const FACTS_REFRESH_MS = 10 * 60_000;
/** A heartbeat that takes longer than this is abandoned and retried. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Bounds on an interval suggested by the control plane. */
const MIN_SERVER_INTERVAL_MS = 1_000;
const MAX_SERVER_INTERVAL_MS = 300_000;
/** While the outbox is full, drops are logged at most this often. */
const DROP_LOG_EVERY_MS = 60_000;
/** Consecutive 4xx refusals of a heartbeat after which the oldest batch is given up. */
const REJECTIONS_BEFORE_DROP = 3;

/**
 * The replicas a control plane listed, when this agent talks to its replicas directly: the list
 * names each by the URL it advertises, so the configured URL is on it. An agent that reaches the
 * control plane by another address (a load balancer, a proxy, another name) keeps to that address,
 * which does its own failover; replica addresses may not even be reachable from where it runs.
 */
function directReplicas(server: string, listed: readonly string[]): readonly string[] {
  return listed.some((url) => baseUrl(url) === server) ? listed : [];
}

/**
 * Starts the node agent and resolves once it has an identity (stored or just
 * joined); collection and heartbeats then run in the background until `stop()`.
 *
 * @example
 * const agent = await startAgent({ server: 'http://127.0.0.1:7070', token, stateDir: '.aurora/agent' });
 * process.on('SIGTERM', () => void agent.stop());
 */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const config = compileAgentOptions(options);
  const logger = options.logger ?? pino({ name: 'aurora-agent' });
  const runtime = { ...realRuntime, ...options.runtime };
  const metrics =
    options.metrics ??
    createSystemMetricsSource({
      clock: runtime.clock,
      onSourceError: (source, err) => logger.debug({ source, err: describeFailure(err) }, 'metric source skipped'),
    });
  const stopping = new AbortController();
  const startSignal = options.signal ? AbortSignal.any([options.signal, stopping.signal]) : stopping.signal;
  // A caller's own fetch (tests, proxies) is used as given; otherwise the agent owns its connections.
  const pool = options.fetch ? undefined : createAgentFetch(stopping.signal, REQUEST_TIMEOUT_MS);
  const direct = options.fetch ?? pool?.fetch ?? fetch;
  const failover = createFailoverFetch(config.servers, direct, {
    signal: stopping.signal,
    onSwitch: (from, to, reason) =>
      logger.warn({ from, to, reason }, 'control plane replica unavailable; trying the next'),
  });
  const client = new AuroraClient({ baseUrl: config.server, fetch: failover.fetch });

  const factsOptions = { labels: config.labels, zone: config.zone, agentVersion: AGENT_VERSION };
  let facts: NodeFacts = await collectFacts(factsOptions);
  let factsAt = runtime.clock();
  const tls = await prepareTls(config, options.caCertificate, pool, startSignal, options.serverCa).catch(
    async (error: unknown) => {
      await pool?.close();
      throw error;
    },
  );
  const joinContext = { client, config, facts, logger, runtime, signal: startSignal, tls: tls?.join };
  let identity = await obtainIdentity(joinContext)
    .then(async (stored) => {
      await tls?.useStored();
      return stored;
    })
    .catch(async (error: unknown) => {
      await pool?.close();
      throw error;
    });
  const log = logger.child({ node: identity.name });
  // Replicas the join answer listed come after the configured ones.
  failover.add(directReplicas(config.server, identity.servers ?? []));

  // Woken when an action finishes, so its result goes out at once instead of after a full interval.
  // It aborts on stop too (AbortSignal.any per wait would pile listeners onto the long-lived stop signal).
  let wake = new AbortController();
  stopping.signal.addEventListener('abort', () => wake.abort(), { once: true });
  const actions = await ActionExecutor.open({
    stateDir: config.stateDir,
    actions: config.actions,
    clock: runtime.clock,
    logger: log,
    onResult: () => wake.abort(),
  });
  for (const started of await actions.supervisor.startAll()) {
    if (started.status !== 'succeeded') log.error(started.details, 'a supervised service did not start');
  }

  const buffer = new BatchBuffer(config.maxBufferedSamples);
  const saved = await takeSavedOutbox(config.stateDir);
  if (saved.error) log.warn(saved.error);
  for (const batch of saved.batches) buffer.push(batch);
  buffer.recordDrops(saved.unreportedDrops);
  if (saved.batches.length > 0) {
    log.info({ batches: saved.batches.length }, 'resending batches saved by the previous run');
  }
  const counters = { collections: 0, heartbeatsSent: 0, heartbeatsFailed: 0, consecutiveFailures: 0, acked: 0 };
  let intervalMs = config.intervalMs;
  let nodeState: string | undefined;
  let lastHeartbeatAt: number | undefined;
  let lastError: string | undefined;
  let lastDropLogAt = Number.NEGATIVE_INFINITY;
  let lastSpillAt = runtime.clock();
  let spilled = false;

  /** Writes the outbox to the state directory; `empty` removes the saved copy instead. */
  const saveBuffer = async (empty = false) => {
    const outbox = empty
      ? { batches: [], unreportedDrops: 0 }
      : { batches: buffer.pending(), unreportedDrops: buffer.unreportedDrops };
    await saveOutbox(config.stateDir, outbox).catch((err: unknown) =>
      log.warn({ err: describeFailure(err) }, 'could not save the pending batches'),
    );
    spilled = outbox.batches.length > 0 || outbox.unreportedDrops > 0;
  };

  // During an outage the outbox is the only copy of the samples, so a recent one is kept on
  // disk; once heartbeats succeed again it is removed. Replays after a crash are stored once by id.
  const spillIfDue = async () => {
    const now = runtime.clock();
    const healthy = counters.consecutiveFailures === 0;
    if (now - lastSpillAt < config.outboxSaveIntervalMs || (healthy && !spilled)) return;
    lastSpillAt = now;
    await saveBuffer(healthy);
  };

  // Resolves on stop, so stop() never waits for a collection that is stuck in the operating system.
  const stopped = new Promise<null>((resolve) =>
    stopping.signal.addEventListener('abort', () => resolve(null), { once: true }),
  );

  const collectOnce = async () => {
    const collection = metrics.collect().catch((err: unknown) => {
      log.warn({ err: describeFailure(err) }, 'metric collection failed; trying again next interval');
      return [];
    });
    const collected = await Promise.race([collection, stopped]);
    if (collected === null) return;
    await Promise.race([actions.supervisor.probe(), stopped]);
    const watched = (await Promise.race([actions.watch.samples(runtime.clock()), stopped])) ?? [];
    const samples = [...collected, ...actions.supervisor.samples(runtime.clock()), ...watched];
    counters.collections++;
    const now = runtime.clock();
    if (now - factsAt >= FACTS_REFRESH_MS) {
      factsAt = now;
      facts = (await Promise.race([collectFacts(factsOptions), stopped])) ?? facts;
    }
    if (samples.length === 0) return;
    const dropped = buffer.push({ id: randomUUID().replaceAll('-', ''), samples });
    if (dropped > 0 && now - lastDropLogAt >= DROP_LOG_EVERY_MS) {
      lastDropLogAt = now;
      log.warn(
        { dropped, droppedTotal: buffer.droppedTotal, maxBufferedSamples: config.maxBufferedSamples },
        'outbox full while the control plane is unreachable: dropping the oldest samples',
      );
    }
  };

  const collectLoop = async () => {
    let next = runtime.clock() + intervalMs;
    while (!stopping.signal.aborted) {
      await runtime.sleep(Math.max(0, next - runtime.clock()), stopping.signal);
      if (stopping.signal.aborted) return;
      await collectOnce();
      await spillIfDue();
      // Fixed-rate schedule; after a stall (suspended laptop) start afresh instead of catching up.
      next = Math.max(next + intervalMs, runtime.clock());
    }
  };

  /** Adds replicas a heartbeat answer named, and keeps them with the credential for the next start. */
  const learnServers = async (servers: readonly string[]) => {
    const before = failover.servers().length;
    failover.add(directReplicas(config.server, servers));
    if (failover.servers().length === before) return;
    identity = { ...identity, servers: failover.servers().filter((url) => !config.servers.includes(url)) };
    log.info({ servers: failover.servers() }, 'learned more control plane replicas');
    await saveCredential(config.stateDir, identity).catch((err: unknown) =>
      log.warn({ err: describeFailure(err) }, 'could not save the replica list'),
    );
  };

  /** Sends one heartbeat; returns how long to wait before the next. */
  const heartbeatOnce = async (): Promise<number> => {
    try {
      const outcome = await sendHeartbeat(
        client,
        identity.credential,
        facts,
        buffer,
        runtime.clock(),
        actions.unreported(),
      );
      await actions.markReported(outcome.response.actionResultsStored ?? []);
      actions.submit(outcome.response.actions ?? []);
      await learnServers(outcome.response.servers ?? []);
      if (counters.consecutiveFailures > 0)
        log.info({ after: counters.consecutiveFailures }, 'control plane reachable again');
      counters.heartbeatsSent++;
      counters.consecutiveFailures = 0;
      counters.acked += outcome.acknowledged;
      nodeState = outcome.response.state;
      lastHeartbeatAt = runtime.clock();
      lastError = undefined;
      const suggested = outcome.response.heartbeatIntervalMs;
      if (!config.intervalFixed && suggested >= MIN_SERVER_INTERVAL_MS && suggested <= MAX_SERVER_INTERVAL_MS) {
        intervalMs = suggested;
      }
      return outcome.backlog ? 0 : intervalMs;
    } catch (err) {
      if (stopping.signal.aborted) return 0;
      counters.heartbeatsFailed++;
      counters.consecutiveFailures++;
      lastError = describeFailure(err);
      if (classifyFailure(err) === 'unauthorized' && (await tryRejoin())) return 0;
      return retryDelay(err);
    }
  };

  let rejoinTried = false;
  /** With a join token configured (as `aurora up` does), a refused credential is replaced once by joining again. */
  const tryRejoin = async (): Promise<boolean> => {
    if (!config.token || rejoinTried) return false;
    rejoinTried = true;
    try {
      identity = await rejoin({ ...joinContext, facts }, identity.name, config.token);
      failover.add(directReplicas(config.server, identity.servers ?? []));
      log.warn('the stored node credential was refused; joined again with the configured join token');
      return true;
    } catch (err) {
      log.warn({ err: describeFailure(err) }, 'joining again with the configured join token failed');
      return false;
    }
  };

  const retryDelay = (err: unknown): number => {
    const kind = classifyFailure(err);
    const attempt = counters.consecutiveFailures;
    if (kind === 'unauthorized') {
      log.error(
        { err: lastError, attempt },
        `the control plane no longer accepts this node's credential (HTTP 401/403). To rejoin, create a new join token ` +
          `("aurora token create"), delete ${credentialPath(config.stateDir)} and start the agent with --token. ` +
          `Retrying every ${Math.round(config.refusedRetryMs / 1000)} s meanwhile`,
      );
      return config.refusedRetryMs;
    }
    if (kind === 'rejected') {
      // A request the server keeps refusing would block the outbox for good; after a few
      // refusals in a row give up on the oldest batch (counted as dropped) rather than on all.
      const dropped = attempt >= REJECTIONS_BEFORE_DROP ? buffer.dropOldest() : undefined;
      log.error(
        { err: lastError, attempt, droppedBatch: dropped },
        dropped
          ? 'the control plane keeps rejecting heartbeats; dropped the oldest pending batch'
          : 'the control plane rejected the heartbeat; retrying slowly',
      );
      return config.refusedRetryMs;
    }
    const backoffMs = backoffDelay(retryPolicy(intervalMs, config.maxBackoffMs), attempt, runtime.random);
    // Retrying sooner than the server asked only spends the budget it is protecting.
    const delayMs = Math.max(backoffMs, requestedWait(err, config.refusedRetryMs) ?? 0);
    log.warn(
      { err: lastError, attempt, delayMs, pendingSamples: buffer.pendingSamples },
      'heartbeat failed; buffering',
    );
    return delayMs;
  };

  const heartbeatLoop = async () => {
    while (!stopping.signal.aborted) {
      const waitMs = await heartbeatOnce();
      // An action result that became ready since the last wait, or while waiting, cuts the wait short (once per result).
      if (!wake.signal.aborted) await runtime.sleep(waitMs, wake.signal);
      if (!stopping.signal.aborted) wake = new AbortController();
    }
  };

  await collectOnce();
  let stopDone: Promise<void> | undefined;
  const loops = Promise.all([
    collectLoop(),
    heartbeatLoop(),
    tls
      ? renewLoop({ tls, client, config, runtime, log, signal: stopping.signal, name: () => identity.name })
      : undefined,
  ]);
  log.info({ server: config.server, servers: failover.servers(), intervalMs }, 'agent running');

  return {
    get name() {
      return identity.name;
    },
    stop() {
      stopDone ??= (async () => {
        stopping.abort();
        await loops;
        await actions.stop();
        await pool?.close();
        await saveBuffer();
        log.info({ pendingBatches: buffer.pendingBatches }, 'agent stopped; pending batches saved for the next start');
      })();
      return stopDone;
    },
    stats: () => ({
      name: identity.name,
      collections: counters.collections,
      heartbeatsSent: counters.heartbeatsSent,
      heartbeatsFailed: counters.heartbeatsFailed,
      consecutiveFailures: counters.consecutiveFailures,
      batchesAcknowledged: counters.acked,
      pendingBatches: buffer.pendingBatches,
      pendingSamples: buffer.pendingSamples,
      droppedSamples: buffer.droppedTotal,
      nodeState,
      lastHeartbeatAt,
      lastError,
      intervalMs,
      server: failover.current(),
    }),
  };
}
