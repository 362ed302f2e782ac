import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from './errors.js';
import { sendProblem, shortPath } from './problem.js';

/** Where `npm run build -w @aurora/console` puts the console (same relative place from src/ and dist/). */
export const defaultConsoleDir = fileURLToPath(new URL('../../../../console/dist', import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Aurora</title>
<h1>Aurora control plane</h1>
<p>The console is not built. Build it with <code>npm run build -w @aurora/console</code> and restart the server.</p>
<p>The API is at <a href="/docs">/docs</a>; health at <a href="/healthz">/healthz</a>.</p>`;

/** Marks every route registered in `scope` as public (static assets a browser loads without headers). */
export function markPublic(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), auth: 'public' };
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
}

function isApiPath(url: string): boolean {
  return /^\/(v1|docs|metrics|healthz|readyz)(\/|$|\?)/.test(url);
}

/**
 * Serves the console's single-page app at `/` with a fallback to index.html
 * for client-side routes; API paths keep answering problem documents.
 */
export async function registerConsole(app: FastifyInstance, consoleDir: string): Promise<void> {
  const built = existsSync(path.join(consoleDir, 'index.html'));
  if (built) {
    await app.register(async (scope) => {
      markPublic(scope);
      await scope.register(fastifyStatic, { root: consoleDir, wildcard: false });
    });
  } else {
    app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(NOT_BUILT),
    );
  }
  app.setNotFoundHandler(async (request, reply) => {
    if (built && request.method === 'GET' && !isApiPath(request.url)) {
      // Read per request so a rebuilt console is served without a restart.
      return reply.type('text/html; charset=utf-8').send(await readFile(path.join(consoleDir, 'index.html')));
    }
    return sendProblem(
      new AuroraError('AURORA_NOT_FOUND', `no route ${request.method} ${shortPath(request.url)}; see /docs`),
      request,
      reply,
    );
  });
}
