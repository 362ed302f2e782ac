import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Balancer } from './balancer.js';
import { upstreamHeaders } from './headers.js';
import { problems, sendProblemOnSocket } from './problem.js';

/**
 * Passes a protocol switch (WebSocket) through: a fresh TCP connection to a backend, the request head rewritten with
 * the forwarding headers, then bytes copied both ways until either side closes. A raw connection rather than
 * undici's upgrade keeps long-lived tunnels out of the keep-alive pools that ordinary requests share.
 */
export function passUpgrade(
  balancer: Balancer,
  trustForwarded: boolean,
  req: IncomingMessage,
  client: Socket,
  head: Buffer,
): void {
  const backend = balancer.pick();
  if (!backend) {
    sendProblemOnSocket(client, problems.noBackend(balancer.serviceName));
    return;
  }
  const started = balancer.start(backend);
  let settled = false;
  const settle = (result: 'success' | 'connect-failure' | 'client-gone') => {
    if (settled) return;
    settled = true;
    balancer.end(backend, started, result);
  };
  const upstream = connect({ host: backend.spec.host, port: backend.spec.port });
  upstream.setNoDelay(true);
  const connectTimer = setTimeout(
    () => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })),
    balancer.timeouts.connectMs,
  );
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    settle('success');
    const headers = upstreamHeaders(req, trustForwarded, true);
    let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    upstream.write(`${text}\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => {
    clearTimeout(connectTimer);
    if (!connected) {
      settle('connect-failure');
      sendProblemOnSocket(client, problems.upstreamUnreachable());
    } else client.destroy();
  });
  upstream.on('close', () => client.destroy());
  client.on('error', () => upstream.destroy());
  client.on('close', () => {
    settle('client-gone');
    upstream.destroy();
  });
}
