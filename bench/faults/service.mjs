// The supervised service of a bench node: answers "ok <pid>" on PORT (0.0.0.0, so a proxy can reach it).
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end(`ok ${process.pid}`));
server.listen(Number(process.env.PORT ?? 0), '0.0.0.0');
