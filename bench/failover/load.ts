import { randomBytes } from 'node:crypto';
import type { HeartbeatRequest, JoinResponse, NodeFacts } from '@aurora/sdk';
import { createJoinToken } from '../heartbeats/fleet.js';

/** Wall-clock milliseconds with sub-millisecond resolution, the one clock of the whole bench. */
export const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One acknowledged operator write: the API answered 201 with this id. */
export interface Ack {
  seq: number;
  id: string;
  replica: number;
  ackAt: number;
}

/**
 * Picks a replica for each request in turn and skips one that just failed for a
 * moment, as a client behind a load balancer with health checks would.
 */
class Rotation {
  #next = 0;
  readonly #downUntil: number[];
  constructor(private readonly count: number) {
    this.#downUntil = new Array(count).fill(0);
  }
  pick(): number {
    const t = now();
    for (let k = 0; k < this.count; k++) {
      const i = (this.#next + k) % this.count;
      if (this.#downUntil[i]! <= t) {
        this.#next = i + 1;
        return i;
      }
    }
    this.#next++;
    return this.#next % this.count;
  }
  failed(i: number): void {
    this.#downUntil[i] = now() + 300;
  }
}

/**
 * Creates silences (a real mutating operator call, audited and stored) one after
 * another through the replicas in turn, and records every one acknowledged.
 */
export class Writer {
  readonly acks: Ack[] = [];
  failures = 0;
  #seq = 0;
  #stopped = false;
  #loop: Promise<void> | undefined;
  readonly #rotation: Rotation;

  constructor(
    private readonly urls: string[],
    private readonly adminToken: string,
    readonly runId: string,
  ) {
    this.#rotation = new Rotation(urls.length);
  }

  start(): void {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const replica = this.#rotation.pick();
      const seq = ++this.#seq;
      try {
        const res = await fetch(`${this.urls[replica]}/v1/silences`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            matchers: { node: `failover-${seq}` },
            duration: '1h',
            comment: `${this.runId}:${seq}`,
          }),
          signal: AbortSignal.timeout(2_000),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status === 201 && body.id) {
          this.acks.push({ seq, id: body.id, replica, ackAt: now() });
        } else {
          this.failures++;
          this.#rotation.failed(replica);
        }
      } catch {
        this.failures++;
        this.#rotation.failed(replica);
      }
      await sleep(5);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }
}

function facts(i: number): NodeFacts {
  return {
    hostname: `failover-${i}`,
    os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0' },
    arch: 'x64',
    cpus: { count: 4, model: 'bench' },
    memoryBytes: 8 * 2 ** 30,
    disks: [{ mount: '/', fs: 'ext4', sizeBytes: 100 * 2 ** 30 }],
    addresses: [`10.1.0.${i}`],
    labels: { bench: 'failover' },
    agentVersion: 'bench',
  };
}

/**
 * Agents heartbeating through any replica. Each falls silent for `silentMs` once per `cycleMs`,
 * the agents' silences spread evenly over the cycle, so the leader's health reconciler keeps
 * deciding "suspect" (a fenced controller write) across the failovers and the transitions can be
 * checked for a decision applied twice. A cycle of five minutes or more keeps every node under the
 * state machine's flapping threshold (3 failures in 10 minutes), which would hold it suspect.
 */
export class Agents {
  #stopped = false;
  #loops: Promise<void>[] = [];
  readonly #credentials: string[] = [];
  readonly #rotation: Rotation;
  heartbeats = 0;
  failures = 0;

  constructor(
    private readonly urls: string[],
    private readonly o: { count: number; intervalMs: number; cycleMs: number; silentMs: number; warmupMs: number },
  ) {
    this.#rotation = new Rotation(urls.length);
  }

  async join(adminToken: string): Promise<void> {
    const token = await createJoinToken(this.urls[0] ?? '', adminToken, {
      uses: this.o.count,
      ttlSeconds: 3600,
      description: 'failover benchmark',
    });
    for (let i = 0; i < this.o.count; i++) {
      const joined = await fetch(`${this.urls[i % this.urls.length]}/v1/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name: `failover-${i}`, facts: facts(i) }),
      });
      if (!joined.ok) throw new Error(`join failed: ${joined.status} ${await joined.text()}`);
      this.#credentials.push(((await joined.json()) as JoinResponse).credential);
    }
  }

  start(): void {
    const started = now();
    this.#loops = this.#credentials.map((credential, i) => this.#run(i, credential, started));
  }

  async #run(i: number, credential: string, started: number): Promise<void> {
    const firstSilence = started + this.o.warmupMs + (i * this.o.cycleMs) / this.#credentials.length;
    while (!this.#stopped) {
      const t = now() - firstSilence;
      if (t < 0 || t % this.o.cycleMs >= this.o.silentMs) await this.#beat(i, credential);
      await sleep(this.o.intervalMs);
    }
  }

  async #beat(i: number, credential: string): Promise<void> {
    const replica = this.#rotation.pick();
    const sentAt = Date.now();
    const body: HeartbeatRequest = {
      sentAt,
      facts: facts(i),
      batches: [{ id: randomBytes(12).toString('base64url'), samples: [{ ts: sentAt, name: 'bench.up', value: 1 }] }],
    };
    try {
      const res = await fetch(`${this.urls[replica]}/v1/agent/heartbeat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(2_000),
      });
      await res.arrayBuffer();
      if (res.ok) this.heartbeats++;
      else {
        this.failures++;
        this.#rotation.failed(replica);
      }
    } catch {
      this.failures++;
      this.#rotation.failed(replica);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#loops);
  }
}
