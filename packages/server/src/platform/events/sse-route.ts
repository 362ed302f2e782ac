import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { EventBus } from './bus.js';

/** Bound on events queued for one slow client before it is disconnected. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

/**
 * GET /v1/events: server-sent events, one per {@link AuroraEvent}
 * (`event:` is the type, `data:` the JSON). Browsers' EventSource cannot
 * set headers, so this route also takes a single-use `?ticket=` from
 * POST /v1/events/tickets; never a token, which would reach proxy logs.
 */
export async function registerEventsRoute(app: FastifyInstance, bus: EventBus): Promise<void> {
  const open = new Set<{ end(): void }>();
  // Streams never finish on their own; end them so the server can close.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });
  app.get(
    '/v1/events',
    {
      config: { auth: 'stream' },
      schema: {
        summary: 'Stream cluster events (server-sent events)',
        tags: ['events'],
        security: [{ admin: [] }],
        querystring: Type.Object({
          ticket: Type.Optional(
            Type.String({ maxLength: 256, description: 'from POST /v1/events/tickets; used once' }),
          ),
        }),
        produces: ['text/event-stream'],
      },
    },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // A HEAD request asks for the headers only; a stream that never ends would leave it waiting for good.
      if (request.method === 'HEAD') {
        res.end();
        return;
      }
      res.write(': connected\n\n');
      const unsubscribe = bus.subscribe((event) => {
        if (res.writableLength > MAX_PENDING_BYTES) {
          request.log.warn('event stream client too slow; closing');
          res.end();
          return;
        }
        res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      keepAlive.unref();
      open.add(res);
      const close = () => {
        open.delete(res);
        clearInterval(keepAlive);
        unsubscribe();
      };
      request.raw.on('close', close);
      res.on('close', close);
    },
  );
}
