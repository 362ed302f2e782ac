// A small HTTP service for supervision tests: answers "ok <pid>" and writes its port to PORT_FILE.
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end(`ok ${process.pid}`));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  if (process.env.PORT_FILE) writeFileSync(process.env.PORT_FILE, String(address.port));
});
