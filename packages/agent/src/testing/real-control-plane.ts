/**
 * The real control plane (@aurora/server on PGlite in a temporary directory)
 * for the agent's tests, behind a recording {@link Relay}. An outage is the
 * server stopped; it comes back on the same port with the same data, as after
 * a restart. What the server stored is read from its own tables.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuroraClient, type HeartbeatRequest, type HeartbeatResponse, type JoinRequest } from '@aurora/sdk';
import { compileConfig, type RunningServer, startServer } from '@aurora/server';
import { type Exchange, Relay } from './relay.js';

const ADMIN_TOKEN = 'agent-suite-admin-token-0123456789';

/** A heartbeat as the relay saw it. */
export interface SeenHeartbeat {
  body: HeartbeatRequest;
  credential: string;
  /** The server's answer when it reached the agent; undefined when it failed, was refused or was lost. */
  answer: HeartbeatResponse | undefined;
  exchange: Exchange;
}

export class RealControlPlane {
  readonly admin: AuroraClient;
  #server: RunningServer | undefined;
  #port = 0;

  private constructor(
    readonly dataDir: string,
    readonly relay: Relay,
    server: RunningServer,
  ) {
    this.#server = server;
    this.#port = server.port;
    this.admin = new AuroraClient({ baseUrl: server.url, token: ADMIN_TOKEN });
  }

  /** Starts the server on an ephemeral port and a relay in front of it. */
  static async start(): Promise<RealControlPlane> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'aurora-agent-plane-'));
    const server = await RealControlPlane.#boot(dataDir, 0);
    const relay = await Relay.start(server.url);
    return new RealControlPlane(dataDir, relay, server);
  }

  static #boot(dataDir: string, port: number): Promise<RunningServer> {
    const config = compileConfig({
      // Agents under test heartbeat every few milliseconds; the default budget (1,200 a minute) is for real fleets.
      env: { AURORA_ADMIN_TOKEN: ADMIN_TOKEN, AURORA_LOG_LEVEL: 'silent', AURORA_RATE_LIMIT_MAX: '10000000' },
      overrides: { host: '127.0.0.1', port, dataDir },
    });
    return startServer(config, { consoleDir: path.join(dataDir, 'no-console') });
  }

  /** The running server; throws during an outage. */
  get server(): RunningServer {
    if (!this.#server) throw new Error('the control plane is stopped');
    return this.#server;
  }

  /** The server's own URL (no relay), fixed across restarts. */
  get directUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Where agents are pointed: the relay. */
  get url(): string {
    return this.relay.url;
  }

  /** Stops the server: connections are refused until {@link start}. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    await server?.stop();
  }

  /** Starts the server again on the same port and data directory. */
  async start(): Promise<void> {
    if (this.#server) return;
    this.#server = await RealControlPlane.#boot(this.dataDir, this.#port);
  }

  /** Forgets what the relay saw and stops losing answers, for the next test. */
  resetRelay(): void {
    this.relay.exchanges.length = 0;
    this.relay.dropAnswer = () => false;
  }

  /** Stops everything and removes the data. */
  async close(): Promise<void> {
    await this.relay.close();
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** A join token minted through the API. */
  async joinToken(uses = 10): Promise<string> {
    return (await this.admin.createJoinToken({ uses })).token;
  }

  /** Join requests seen by the relay, answered or not. */
  get joins(): Array<{ body: JoinRequest; exchange: Exchange }> {
    return this.relay.on('/v1/join').map((exchange) => ({ body: exchange.request as JoinRequest, exchange }));
  }

  /** Join requests the server answered with a credential (201) that reached the agent. */
  get joinsDelivered(): number {
    return this.relay.on('/v1/join').filter((e) => e.status === 201 && !e.dropped).length;
  }

  /** Heartbeats seen by the relay, in the order they were sent. */
  get heartbeats(): SeenHeartbeat[] {
    return this.relay.on('/v1/agent/heartbeat').map((exchange) => ({
      body: exchange.request as HeartbeatRequest,
      credential: exchange.bearer ?? '',
      answer: exchange.status === 200 && !exchange.dropped ? (exchange.response as HeartbeatResponse) : undefined,
      exchange,
    }));
  }

  /**
   * Every value of the `test.seq` series stored for `node`, in the order it was stored: the
   * head's rows by their sequence and, before them, anything already compacted into chunks.
   * Read straight from the tables (the range API averages, which would hide a duplicate).
   */
  async storedValues(node: string): Promise<number[]> {
    const series = `select id from metric_series where name = 'test_seq' and labels->>'node' = '${node.replaceAll("'", "''")}'`;
    const result = await this.server.store.db.execute(
      `select v from (
         select 0 as tier, c.start as ord, u.i as pos, u.v
           from series_chunks c, unnest(c.vals) with ordinality as u(v, i)
          where c.series_id in (${series})
         union all
         select 1, h.seq, u.i, u.v
           from metric_head h, unnest(h.series_ids, h.vals) with ordinality as u(sid, v, i)
          where u.sid in (${series})
       ) s order by tier, ord, pos`,
    );
    return (result as unknown as { rows: Array<{ v: number }> }).rows.map((r) => Number(r.v));
  }

  /** Batch ids the server recorded for `node` (one row per stored batch). */
  async storedBatchCount(node: string): Promise<number> {
    const result = await this.server.store.db.execute(
      `select count(*)::int as n from metric_batches b join nodes n on n.id = b.node_id where n.name = '${node.replaceAll("'", "''")}'`,
    );
    return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]?.n ?? 0);
  }
}
