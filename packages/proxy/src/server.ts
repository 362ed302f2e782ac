import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Balancer } from './balancer.js';
import { type ForwardSettings, forward } from './forward.js';
import { HealthChecker } from './health.js';
import {
  type BalancerOptions,
  defaultBalancerOptions,
  defaultTimeouts,
  type ProxyTimeouts,
  type ServiceView,
} from './options.js';
import { problems, sendProblemOnSocket } from './problem.js';
import { passUpgrade } from './upgrade.js';

export interface ProxyOptions {
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly service: ServiceView;
  readonly balancer?: Partial<BalancerOptions>;
  readonly timeouts?: Partial<ProxyTimeouts>;
  /** Largest request head accepted; larger ones answer 431. */
  readonly maxHeaderBytes?: number;
  readonly trustForwarded?: boolean;
  readonly hashHeader?: string;
  /** Injected for tests; `performance.now` and `Math.random` otherwise. */
  readonly clock?: { now: () => number; random: () => number };
}

export interface RunningProxy {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly balancer: Balancer;
  readonly health: HealthChecker;
  /** Replaces the service's backends (from the control plane's view). */
  update(view: ServiceView): void;
  /** Open client connections, for leak checks. */
  connections(): Promise<number>;
  close(): Promise<void>;
}

/** Starts the reverse proxy for one service. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const timeouts: ProxyTimeouts = { ...defaultTimeouts, ...options.timeouts };
  const balancerOptions: BalancerOptions = { ...defaultBalancerOptions, ...options.balancer };
  const maxHeaderBytes = options.maxHeaderBytes ?? 16_384;
  const balancer = new Balancer(
    options.service,
    balancerOptions,
    timeouts,
    options.clock ?? {
      now: () => performance.now(),
      random: Math.random,
    },
  );
  const settings: ForwardSettings = {
    trustForwarded: options.trustForwarded ?? false,
    hashHeader: options.hashHeader?.toLowerCase(),
  };
  // Which sockets have a response under way, so a late client error cuts them instead of writing a second head.
  const busy = new WeakSet<Socket>();
  const server = createServer(
    {
      maxHeaderSize: maxHeaderBytes,
      headersTimeout: timeouts.clientHeadersMs,
      requestTimeout: timeouts.clientRequestMs,
      keepAliveTimeout: timeouts.clientIdleMs,
      // Node checks the two timeouts above on this period (30 s by default), which would let a slow client linger.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, timeouts.clientHeadersMs / 4)),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      busy.add(req.socket);
      res.once('finish', () => busy.delete(req.socket));
      forward(balancer, settings, req, res);
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
    passUpgrade(balancer, settings.trustForwarded, req, socket, head),
  );
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable || busy.has(socket)) {
      socket.destroy();
      return;
    }
    const p =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? problems.headersTooLarge(maxHeaderBytes)
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? problems.requestTimeout()
          : problems.badRequest();
    sendProblemOnSocket(socket, p);
  });
  const health = new HealthChecker(balancer);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  health.start();
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    balancer,
    health,
    update: (view) => balancer.update(view),
    connections: () =>
      new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    async close() {
      health.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await balancer.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
