/**
 * A real HTTP relay on 127.0.0.1 between an agent and the control plane: it
 * forwards every request to the server as it is, records what went each way,
 * and can lose an answer on the way back (the server has done the work; the
 * agent's connection is cut before the answer reaches it), which is the
 * network fault that makes retries dangerous. When the server cannot be
 * reached the agent's connection is cut too, as a TCP relay would.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { Socket } from 'node:net';

/** One request as the relay saw it, with the server's answer. */
export interface Exchange {
  method: string;
  path: string;
  /** The request's bearer secret, if it had one. */
  bearer: string | undefined;
  /** The request body, parsed as JSON (undefined when it had none). */
  request: unknown;
  /** The server's status; undefined when the server could not be reached. */
  status?: number;
  /** The server's answer, parsed as JSON when it was. */
  response?: unknown;
  /** The answer existed but the agent's connection was cut instead of delivering it. */
  dropped: boolean;
}

function parse(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return body.toString('utf8');
  }
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

/** A recording relay in front of `target` (a base URL such as http://127.0.0.1:7070). */
export class Relay {
  readonly exchanges: Exchange[] = [];
  /** Whether to lose the answer to this exchange; asked once the server has answered. */
  dropAnswer: (exchange: Exchange) => boolean = () => false;
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #target: URL;

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#server = http.createServer((req, res) => void this.#relay(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a relay on an ephemeral port of 127.0.0.1. */
  static async start(target: string): Promise<Relay> {
    const relay = new Relay(target);
    relay.#server.listen(0, '127.0.0.1');
    await once(relay.#server, 'listening');
    return relay;
  }

  /** The relay's base URL, which the agent is given as its server. */
  get url(): string {
    const address = this.#server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  /** Client connections currently open to the relay, idle keep-alive ones included. */
  get openConnections(): number {
    return this.#sockets.size;
  }

  /** Exchanges on one path, e.g. `/v1/agent/heartbeat`. */
  on(path: string): Exchange[] {
    return this.exchanges.filter((e) => e.path === path);
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #relay(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const exchange: Exchange = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      bearer: req.headers.authorization?.replace(/^Bearer /, ''),
      request: parse(body),
      dropped: false,
    };
    this.exchanges.push(exchange);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [key, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(key)) headers[key] = value;
    headers['content-length'] = body.length;
    // A connection per request, so a server that restarts is met afresh, never through a stale pooled socket.
    const upstream = http.request(this.#target, {
      method: req.method,
      path: req.url,
      headers,
      agent: false,
    });
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
    let answer: http.IncomingMessage;
    try {
      [answer] = (await once(upstream, 'response')) as [http.IncomingMessage];
    } catch {
      req.socket.destroy();
      return;
    }
    const answerChunks: Buffer[] = [];
    try {
      for await (const chunk of answer) answerChunks.push(chunk as Buffer);
    } catch {
      req.socket.destroy();
      return;
    }
    const answerBody = Buffer.concat(answerChunks);
    exchange.status = answer.statusCode;
    exchange.response = parse(answerBody);
    if (this.dropAnswer(exchange)) {
      exchange.dropped = true;
      req.socket.destroy();
      return;
    }
    const out: http.OutgoingHttpHeaders = {};
    for (const [key, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(key)) out[key] = value;
    out['content-length'] = answerBody.length;
    res.writeHead(answer.statusCode ?? 502, out);
    res.end(answerBody);
  }
}
