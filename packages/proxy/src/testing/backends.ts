import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP backend on 127.0.0.1 that names itself in every answer, for proxy tests. */
export interface TestBackend {
  readonly id: string;
  readonly port: number;
  readonly server: Server;
  /** Requests seen, by path. */
  readonly seen: IncomingMessage[];
  healthy: boolean;
  delayMs: number;
  status: number;
  close(): Promise<void>;
}

export async function startBackend(
  id: string,
  custom?: (req: IncomingMessage, res: ServerResponse, backend: TestBackend) => boolean,
): Promise<TestBackend> {
  const sockets = new Set<Socket>();
  const backend: TestBackend = {
    id,
    port: 0,
    server: createServer(),
    seen: [],
    healthy: true,
    delayMs: 0,
    status: 200,
    async close() {
      await new Promise<void>((resolve) => {
        backend.server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
  backend.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  backend.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/healthz') {
      res.writeHead(backend.healthy ? 200 : 503).end();
      return;
    }
    backend.seen.push(req);
    if (custom?.(req, res, backend)) return;
    const answer = () => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(backend.status, { 'content-type': 'text/plain', 'x-backend': id });
        res.end(req.method === 'POST' ? body : id);
      });
    };
    if (backend.delayMs > 0) setTimeout(answer, backend.delayMs);
    else answer();
  });
  backend.server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    backend.seen.push(req);
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nupgrade: ${req.headers.upgrade}\r\nconnection: Upgrade\r\nx-backend: ${id}\r\n\r\n`,
    );
    socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from(`${id}:`), d])));
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => backend.server.listen(0, '127.0.0.1', () => resolve()));
  (backend as { port: number }).port = (backend.server.address() as AddressInfo).port;
  return backend;
}

/** A port on which nothing listens (bound, then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export function spec(b: { id: string; port: number }, zone?: string, weight = 1) {
  return { id: b.id, host: '127.0.0.1', port: b.port, weight, ...(zone ? { zone } : {}) };
}
