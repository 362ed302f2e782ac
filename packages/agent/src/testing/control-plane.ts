/**
 * A small but real control plane for the agent's tests: a Fastify server on
 * 127.0.0.1 that implements `POST /v1/join` and `POST /v1/agent/heartbeat`
 * per the wire contract (bodies validated against the SDK's schemas) and
 * records what it stored. It can be stopped and started again on the same
 * port to play an outage, and told to misbehave in the ways real servers do.
 */
import { randomUUID } from 'node:crypto';
import { HeartbeatRequest, JoinRequest, type MetricBatch, type Problem } from '@aurora/sdk';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

/** How heartbeats are answered. */
export type HeartbeatMode =
  /** Store and acknowledge. */
  | 'normal'
  /** Store, then answer 503 as if the response was lost on the way back. */
  | 'store-then-fail'
  /** Answer 401 to every credential. */
  | 'unauthorized'
  /** Answer 503 without storing anything, like an overloaded replica. */
  | 'unavailable';

/** One heartbeat as received. */
export interface ReceivedHeartbeat {
  credential: string;
  body: HeartbeatRequest;
  acknowledged: string[];
}

/** The recorded state, shared across restarts of the HTTP listener. */
export class TestControlPlane {
  readonly joinToken = `jt_${randomUUID()}`;
  readonly joins: JoinRequest[] = [];
  readonly heartbeats: ReceivedHeartbeat[] = [];
  /** Batches in the order they were first stored; a replayed id is not stored again. */
  readonly stored: MetricBatch[] = [];
  readonly #storedIds = new Set<string>();
  readonly #credentials = new Map<string, string>();
  mode: HeartbeatMode = 'normal';
  /** Batches the server refuses with 400 (a request carrying one is refused whole). */
  refuseBatch: (batch: MetricBatch) => boolean = () => false;
  /** Which stored batch ids to acknowledge; all by default. */
  acknowledge: (ids: string[]) => string[] = (ids) => ids;
  heartbeatIntervalMs = 5_000;
  #app: FastifyInstance | undefined;
  #port = 0;

  /** Connections currently open to the listener, idle keep-alive ones included. */
  openConnections(): Promise<number> {
    const server = this.#app?.server;
    if (!server) return Promise.resolve(0);
    return new Promise((resolve, reject) =>
      server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
    );
  }

  /** Forgets every node and credential, as a control plane whose database was rebuilt would. */
  forgetNodes(): void {
    this.#credentials.clear();
  }

  /** Base URL of the listener (fixed across restarts). */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Sum of `droppedSamples` reported by agents. */
  get reportedDrops(): number {
    return this.heartbeats.reduce((sum, hb) => sum + (hb.body.droppedSamples ?? 0), 0);
  }

  /** Starts listening, on the same port as before after a {@link stop}. */
  async start(): Promise<void> {
    // Dropping open connections on stop makes an outage look like one to the agent, in-flight requests included.
    const app = Fastify({ logger: false, forceCloseConnections: true });
    app.post('/v1/join', { schema: { body: JoinRequest } }, async (req, reply) => {
      const body = req.body as JoinRequest;
      if (body.token !== this.joinToken) return problem(reply, 401, 'AURORA_JOIN_TOKEN_INVALID', 'Invalid join token');
      if ([...this.#credentials.values()].includes(body.name)) {
        return problem(reply, 409, 'AURORA_NODE_NAME_TAKEN', 'Node name taken');
      }
      this.joins.push(body);
      const credential = `nc_${randomUUID()}`;
      this.#credentials.set(credential, body.name);
      return {
        nodeId: randomUUID(),
        name: body.name,
        credential,
        heartbeatIntervalMs: this.heartbeatIntervalMs,
      };
    });
    app.post('/v1/agent/heartbeat', { schema: { body: HeartbeatRequest } }, async (req, reply) => {
      const credential = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (this.mode === 'unauthorized' || !this.#credentials.has(credential)) {
        this.heartbeats.push({ credential, body: req.body as HeartbeatRequest, acknowledged: [] });
        return problem(reply, 401, 'AURORA_UNAUTHENTICATED', 'Unknown node credential');
      }
      const body = req.body as HeartbeatRequest;
      if (body.batches.some(this.refuseBatch)) {
        this.heartbeats.push({ credential, body, acknowledged: [] });
        return problem(reply, 400, 'AURORA_VALIDATION', 'Refused batch');
      }
      if (this.mode === 'unavailable') {
        this.heartbeats.push({ credential, body, acknowledged: [] });
        return problem(reply, 503, 'AURORA_UNAVAILABLE', 'Overloaded');
      }
      for (const batch of body.batches) {
        if (this.#storedIds.has(batch.id)) continue;
        this.#storedIds.add(batch.id);
        this.stored.push(batch);
      }
      const acknowledged = this.mode === 'store-then-fail' ? [] : this.acknowledge(body.batches.map((b) => b.id));
      this.heartbeats.push({ credential, body, acknowledged });
      if (this.mode === 'store-then-fail') return problem(reply, 503, 'AURORA_UNAVAILABLE', 'Try again');
      return { acknowledged, serverTime: Date.now(), heartbeatIntervalMs: this.heartbeatIntervalMs, state: 'ready' };
    });
    await app.listen({ host: '127.0.0.1', port: this.#port });
    const address = app.server.address();
    if (address && typeof address === 'object') this.#port = address.port;
    this.#app = app;
  }

  /** Closes the listener; connections are refused until {@link start} is called again. */
  async stop(): Promise<void> {
    await this.#app?.close();
    this.#app = undefined;
  }
}

function problem(reply: FastifyReply, status: number, code: string, title: string) {
  const body: Problem = { type: 'about:blank', title, status, code };
  return reply.code(status).type('application/problem+json').send(body);
}

/** Starts a {@link TestControlPlane} on an ephemeral port. */
export async function startTestControlPlane(): Promise<TestControlPlane> {
  const plane = new TestControlPlane();
  await plane.start();
  return plane;
}
