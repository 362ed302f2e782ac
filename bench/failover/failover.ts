import { randomBytes } from 'node:crypto';
import { freshPostgresDatabase } from '../heartbeats/server-process.js';
import { type Ack, Agents, now, Writer } from './load.js';
import { Observer, pidOfHolder } from './observe.js';
import { ProbeAgent } from './real-agent.js';
import { ReplicaSet } from './replicas.js';

export type RoundKind = 'kill' | 'graceful';

export interface Round {
  kind: RoundKind;
  /** From the signal to the first stored controller write fenced by the new leader's epoch (as polled). */
  leaderMs: number;
  /** From the signal to the lease row showing a higher epoch (as polled). */
  leaseMs: number;
  /** From the signal to the start of the pass that made that write (the replica's wall clock against the bench's). */
  passStartMs: number;
  /** Longest gap between acknowledged writes from 1 s before the signal to 1 s after the new leader wrote. */
  writeMs: number;
  /** From the signal to a real agent's first heartbeat acknowledged by another replica (it was on the stopped one). */
  agentResumeMs: number;
  /** That agent's longest gap between acknowledged heartbeats across the stop (its 1 s interval included). */
  agentGapMs: number;
  epochBefore: number;
  epochAfter: number;
}

export interface FailoverResult {
  rounds: Round[];
  ackedWrites: number;
  ackedLost: number;
  duplicateActions: number;
  writeFailures: number;
  heartbeats: number;
  heartbeatFailures: number;
  suspectDecisions: number;
  transitions: number;
}

export interface FailoverOptions {
  /** A PostgreSQL URL whose server may create and drop a database for the run. */
  adminDatabaseUrl: string;
  rounds: number;
  replicas?: number;
  /** How often the bench polls the store for the takeover. */
  pollMs?: number;
  /** Further AURORA_* settings of every replica (lease timing, say). */
  env?: Record<string, string>;
  /** Where the replicas' logs go (replica-N.log, level info); discarded when unset. */
  logDir?: string | undefined;
  onRound?: (round: Round, index: number) => void;
  log?: (line: string) => void;
}

/** Settings of every replica; the forecasting pass (1 s, its minimum) is the observed controller write. */
export const REPLICA_ENV = {
  AURORA_HEARTBEAT_INTERVAL_MS: '1000',
  AURORA_SUSPECT_AFTER_MS: '2500',
  AURORA_DOWN_AFTER_MS: '600000',
  AURORA_PREDICTION_INTERVAL: '1s',
  AURORA_RATE_LIMIT_MAX: '100000000',
} as const;

/** 45 agents, each silent for 3.5 s once every 301 s: a silence begins every 6.7 s. */
export const AGENTS = { count: 45, intervalMs: 1_000, cycleMs: 301_000, silentMs: 3_500, warmupMs: 5_000 } as const;

const ADMIN = `failover-${randomBytes(8).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until it gives a value; throws naming `what` after `timeoutMs`. */
async function waitFor<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The longest gap between consecutive acknowledgements within [from, to] (both ends count as edges). */
export function longestGap(acks: readonly Ack[], from: number, to: number): number {
  let last = from;
  let gap = 0;
  for (const a of acks) {
    if (a.ackAt < from) continue;
    if (a.ackAt > to) break;
    gap = Math.max(gap, a.ackAt - last);
    last = a.ackAt;
  }
  return Math.max(gap, to - last);
}

/**
 * Runs replicas of `aurora server` on a fresh database, with agents heartbeating and a writer
 * writing through them, and stops the leader `rounds` times by kill -9, then `rounds` times by
 * SIGTERM, restarting it after each round. Checks every acknowledged write afterwards.
 */
export async function runFailover(o: FailoverOptions): Promise<FailoverResult> {
  const log = o.log ?? (() => {});
  const pollMs = o.pollMs ?? 5;
  const db = await freshPostgresDatabase(o.adminDatabaseUrl);
  const set = new ReplicaSet({
    databaseUrl: db.url,
    count: o.replicas ?? 3,
    env: { AURORA_ADMIN_TOKEN: ADMIN, ...REPLICA_ENV, ...o.env },
    logDir: o.logDir,
  });
  const observer = new Observer(db.url);
  await observer.connect();
  const urls = () => set.replicas.map((r) => r.url);
  let writer: Writer | undefined;
  let agents: Agents | undefined;
  try {
    log('starting replicas...');
    await set.start();
    agents = new Agents(urls(), AGENTS);
    await agents.join(ADMIN);
    agents.start();
    writer = new Writer(urls(), ADMIN, `failover-${Date.now()}`);
    writer.start();
    const rounds: Round[] = [];
    const kinds: RoundKind[] = [...Array(o.rounds).fill('kill'), ...Array(o.rounds).fill('graceful')];
    for (const [i, kind] of kinds.entries()) {
      const before = await observer.steady(30_000);
      const leader = set.byPid(pidOfHolder(before.holder));
      if (!leader) throw new Error(`the lease holder ${before.holder} is none of the replicas`);
      // A real agent heartbeating through the leader, with the other replicas after it on its list.
      const probe = new ProbeAgent();
      const others = set.replicas.filter((r) => r !== leader).map((r) => r.url);
      await probe.start([leader.url, ...others], ADMIN, `failover-probe-${i + 1}`);
      // Let writes flow through every replica before the next stop.
      await sleep(1_000);
      const signalAt = now();
      const stopped = set.stopOne(leader, kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
      const { leaseAt, writeAt, passStartedAt } = await observer.takeover(before.epoch, pollMs, 60_000);
      await stopped;
      await sleep(1_000);
      const agent = await waitFor(() => probe.resumed(signalAt, leader.url), 30_000, 'the probe agent to resume');
      await probe.stop();
      const after = await observer.lease();
      const round: Round = {
        kind,
        leaderMs: writeAt - signalAt,
        leaseMs: leaseAt - signalAt,
        passStartMs: passStartedAt - signalAt,
        writeMs: longestGap(writer.acks, signalAt - 1_000, writeAt + 1_000),
        agentResumeMs: agent.resumeMs,
        agentGapMs: agent.gapMs,
        epochBefore: before.epoch,
        epochAfter: after.epoch,
      };
      rounds.push(round);
      o.onRound?.(round, i);
      await set.restart(leader.index);
    }
    await writer.stop();
    await agents.stop();
    const lost = await observer.lostWrites(writer.runId, writer.acks);
    const transitions = await observer.duplicateTransitions();
    return {
      rounds,
      ackedWrites: writer.acks.length,
      ackedLost: lost.length,
      duplicateActions: transitions.duplicates,
      writeFailures: writer.failures,
      heartbeats: agents.heartbeats,
      heartbeatFailures: agents.failures,
      suspectDecisions: transitions.suspectDecisions,
      transitions: transitions.transitions,
    };
  } finally {
    await writer?.stop();
    await agents?.stop();
    await observer.close().catch(() => undefined);
    await set.close();
    await db.drop();
  }
}
