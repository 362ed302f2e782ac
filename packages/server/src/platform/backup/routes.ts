import { Problem } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../http/errors.js';
import type { Store } from '../store/index.js';

/**
 * GET /v1/backup: the embedded store as a gzipped tar, taken by the process
 * that owns it while it keeps serving (PGlite is one process's alone, so
 * `aurora backup` cannot open it beside a running control plane). PostgreSQL
 * is backed up with pg_dump instead, which takes its own consistent snapshot.
 */
export async function registerBackupRoute(app: FastifyInstance, store: Store): Promise<void> {
  app.get(
    '/v1/backup',
    {
      // A HEAD would take the whole copy only to drop it.
      exposeHeadRoute: false,
      schema: {
        summary: 'A consistent copy of the embedded store (gzipped tar of its data directory), for aurora restore',
        tags: ['platform'],
        security: [{ admin: [] }],
        response: {
          200: { description: 'gzipped tar of the data directory', type: 'string', format: 'binary' },
          400: Problem,
          401: Problem,
          403: Problem,
          409: Problem,
        },
      },
    },
    async (_request, reply) => {
      if (store.kind !== 'pglite') {
        throw new AuroraError(
          'AURORA_CONFLICT',
          'this control plane runs on PostgreSQL; back it up with `aurora backup --database-url URL`, which runs pg_dump',
        );
      }
      const archive = Buffer.from(await (await store.dumpEmbedded()).arrayBuffer());
      return reply
        .header('content-type', 'application/gzip')
        .header('content-disposition', 'attachment; filename="aurora-store.tar.gz"')
        .header('cache-control', 'no-store')
        .send(archive);
    },
  );
}
