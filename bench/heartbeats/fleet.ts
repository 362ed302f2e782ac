import { randomBytes } from 'node:crypto';
import type { HeartbeatRequest, JoinResponse, NodeFacts } from '@aurora/sdk';
import { Pool } from 'undici';

/** What one measured window of simulated heartbeats produced. */
export interface FleetWindow {
  latenciesMs: number[];
  errors: number;
  sent: number;
  wallMs: number;
  /** Heartbeats that started more than one interval late: the generator could not keep up. */
  late: number;
}

function facts(i: number): NodeFacts {
  return {
    hostname: `bench-${i}`,
    os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1.0' },
    arch: 'x64',
    cpus: { count: 8, model: 'bench' },
    memoryBytes: 32 * 2 ** 30,
    disks: [{ mount: '/', fs: 'ext4', sizeBytes: 500 * 2 ** 30 }],
    addresses: [`10.0.${(i >> 8) & 255}.${i & 255}`],
    labels: { bench: 'true' },
    agentVersion: 'bench',
  };
}

/** About as many samples as a real agent sends per heartbeat (CPU, memory, two disks, two NICs, ...). */
function samples(ts: number, count: number): HeartbeatRequest['batches'][number]['samples'] {
  const out = [];
  for (let k = 0; k < count; k++)
    out.push({ ts, name: `bench.metric_${k}`, value: Math.round(Math.random() * 1000) / 10 });
  return out;
}

async function post<T>(pool: Pool, path: string, token: string | undefined, body: unknown): Promise<T> {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** Creates a multi-use join token through the admin API for a simulated fleet; throws with the server's answer. */
export async function createJoinToken(
  url: string,
  adminToken: string,
  token: { uses: number; ttlSeconds: number; description?: string },
): Promise<string> {
  const res = await fetch(`${url}/v1/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(token),
  });
  if (!res.ok) throw new Error(`creating a join token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Simulated agents sharing one connection pool, as a load balancer in front of a fleet would see them. */
export class Fleet {
  readonly #pool: Pool;
  readonly #credentials: string[] = [];
  #samplesPerBeat: number;
  readonly #samples: (node: number, ts: number, count: number) => HeartbeatRequest['batches'][number]['samples'];

  /** `sampler` makes each heartbeat's samples (default: `samplesPerBeat` uniform random values). */
  constructor(
    url: string,
    connections: number,
    samplesPerBeat: number,
    sampler?: (node: number, ts: number, count: number) => HeartbeatRequest['batches'][number]['samples'],
  ) {
    this.#pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.#samplesPerBeat = samplesPerBeat;
    this.#samples = sampler ?? ((_node, ts, count) => samples(ts, count));
  }

  /** Samples per heartbeat from now on (a load step). */
  setSamplesPerBeat(count: number): void {
    this.#samplesPerBeat = count;
  }

  /** Joins `count` nodes with one multi-use token, `concurrency` joins at a time. */
  async join(joinToken: string, count: number, concurrency: number, prefix: string): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const name = `${prefix}-${String(i).padStart(5, '0')}`;
        const joined = await post<JoinResponse>(this.#pool, '/v1/join', undefined, {
          token: joinToken,
          name,
          facts: facts(i),
        });
        this.#credentials[i] = joined.credential;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /**
   * Every node heartbeats once per `intervalMs`, spread evenly over the interval,
   * for `durationMs`; latencies are recorded after a warm-up of one interval.
   */
  async run(
    intervalMs: number,
    durationMs: number,
    options: {
      /** Like a real agent, a node whose last heartbeat is unanswered skips its turn (counted late), so a slow server is not buried under a backlog. */
      oneInFlightPerNode?: boolean;
    } = {},
  ): Promise<FleetWindow> {
    const n = this.#credentials.length;
    const busy = new Set<number>();
    const window: FleetWindow = { latenciesMs: [], errors: 0, sent: 0, wallMs: 0, late: 0 };
    const start = performance.now();
    const measureFrom = start + intervalMs;
    const end = measureFrom + durationMs;
    const inflight = new Set<Promise<void>>();
    const beat = async (i: number, scheduled: number) => {
      const t0 = performance.now();
      if (t0 - scheduled > intervalMs) window.late++;
      const now = Date.now();
      const body: HeartbeatRequest = {
        sentAt: now,
        facts: facts(i),
        batches: [{ id: randomBytes(12).toString('base64url'), samples: this.#samples(i, now, this.#samplesPerBeat) }],
      };
      try {
        await post(this.#pool, '/v1/agent/heartbeat', this.#credentials[i], body);
        if (t0 >= measureFrom) {
          window.latenciesMs.push(performance.now() - t0);
          window.sent++;
        }
      } catch {
        if (t0 >= measureFrom) window.errors++;
      }
    };
    // One scheduler loop instead of N timers: beats are due at start + (i / n + k) * interval.
    let k = 0;
    let i = 0;
    while (true) {
      const due = start + (i / n + k) * intervalMs;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 2) await new Promise((r) => setTimeout(r, wait));
      if (options.oneInFlightPerNode && busy.has(i)) {
        if (due >= measureFrom) window.late++;
      } else {
        busy.add(i);
        const node = i;
        const p = beat(i, due).finally(() => {
          inflight.delete(p);
          busy.delete(node);
        });
        inflight.add(p);
      }
      i++;
      if (i === n) {
        i = 0;
        k++;
      }
    }
    await Promise.all(inflight);
    window.wallMs = performance.now() - measureFrom;
    return window;
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
