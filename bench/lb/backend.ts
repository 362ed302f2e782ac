/**
 * One benchmark backend: a plain Node HTTP server answering a short body, after `delayMs` when asked to be slow.
 * Usage: node --import tsx bench/lb/backend.ts PORT [DELAY_MS]
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const delayMs = Number(process.argv[3] ?? 0);
const body = Buffer.from(`hello from ${port}\n`);

const server = createServer((req, res) => {
  const answer = () => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  };
  if (req.url === '/healthz' || delayMs === 0) answer();
  else setTimeout(answer, delayMs);
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => process.send?.('ready'));
