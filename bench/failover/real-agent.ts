/**
 * A real node agent (`startAgent`, the same code `aurora agent` runs) placed on the replica about to
 * be stopped: its server list starts with that replica and names the others after it, as an
 * operator's `--server A,B,C` would. The bench records when each of its heartbeats was acknowledged
 * and by which replica, to time how long the agent takes to carry on through another one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningAgent, startAgent } from '@aurora/agent';
import { pino } from 'pino';
import { createJoinToken } from '../heartbeats/fleet.js';
import { now } from './load.js';

/** One acknowledged heartbeat: when the bench saw it, and the replica that answered. */
export interface AgentAck {
  at: number;
  server: string;
}

/** How often the agent's counters are read: the resolution of the figures below. */
const WATCH_MS = 10;

export class ProbeAgent {
  readonly acks: AgentAck[] = [];
  readonly #dir = mkdtempSync(path.join(os.tmpdir(), 'aurora-failover-agent-'));
  #agent: RunningAgent | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** Joins with a fresh join token and waits for its first heartbeat through `servers[0]`. */
  async start(servers: readonly string[], adminToken: string, name: string): Promise<void> {
    const token = await createJoinToken(servers[0] ?? '', adminToken, {
      uses: 1,
      ttlSeconds: 600,
      description: 'failover benchmark probe agent',
    });
    this.#agent = await startAgent({
      server: servers[0] ?? '',
      servers: servers.slice(1),
      token,
      name,
      stateDir: this.#dir,
      intervalMs: 1_000,
      logger: pino({ level: 'silent' }),
    });
    let seen = 0;
    this.#timer = setInterval(() => {
      const stats = this.#agent?.stats();
      if (!stats || stats.heartbeatsSent === seen) return;
      seen = stats.heartbeatsSent;
      this.acks.push({ at: now(), server: stats.server });
    }, WATCH_MS);
    const deadline = now() + 30_000;
    while (!this.acks.some((a) => a.server === servers[0])) {
      if (now() > deadline) throw new Error(`probe agent ${name} never heartbeated through ${servers[0]}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * After a replica was stopped at `signalAt`: from the signal to the first heartbeat acknowledged by
   * another replica (`resumeMs`), and the longest gap between consecutive acknowledgements from the
   * last one before the signal to that one (`gapMs`, the heartbeat interval included). A replica
   * stopped gracefully may still answer a heartbeat on a kept-alive connection while it drains, so
   * the agent's outage is the gap, not the time to reach another replica. Undefined until it resumed.
   */
  resumed(signalAt: number, stopped: string): { resumeMs: number; gapMs: number } | undefined {
    const first = this.acks.findIndex((a) => a.at > signalAt);
    const after = this.acks.findIndex((a) => a.at > signalAt && a.server !== stopped);
    if (first < 1 || after < 0) return undefined;
    let gapMs = 0;
    for (let i = first; i <= after; i++) gapMs = Math.max(gapMs, this.acks[i]!.at - this.acks[i - 1]!.at);
    return { resumeMs: this.acks[after]!.at - signalAt, gapMs };
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#agent?.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
