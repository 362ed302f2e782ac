import { Problem } from '@aurora/sdk';
import type { FastifyInstance } from 'fastify';
import { AuroraError } from '../../platform/http/errors.js';
import type { IncomingSeries, PreparedWrite, TelemetryIngest } from '../ingest.js';
import { NAME_LABEL } from '../names.js';
import { type DecodedSeries, decodeWriteRequest, MalformedWriteError } from './proto.js';

/** What the remote-write route needs. */
export interface RemoteWriteContext {
  ingest: TelemetryIngest;
  now: () => number;
  /** Largest body accepted once decompressed. */
  maxUncompressedBytes: number;
  /** Counts refused writes by reason (snappy, protobuf, invalid, limit, order). */
  rejected(reason: string): void;
}

/** Latest sample time a JavaScript Date can hold; later ones cannot be real. */
const MAX_TIME_MS = 8.64e15;

/**
 * Groups the series of a request by their `instance` label, the "node" a
 * remote-written series counts against for the per-node series limit, and
 * turns each into the ingest form (labels without `__name__`; a label with
 * an empty value is the same as no label, as in Prometheus).
 */
function toIncoming(series: DecodedSeries[]): Map<string, IncomingSeries[]> {
  const bySource = new Map<string, IncomingSeries[]>();
  for (let i = 0; i < series.length; i++) {
    const s = series[i] as DecodedSeries;
    let name: string | undefined;
    const labels: Record<string, string> = {};
    for (const l of s.labels) {
      if (l.name in labels || (l.name === NAME_LABEL && name !== undefined)) {
        throw new AuroraError('AURORA_VALIDATION_FAILED', `timeseries.${i}: label "${l.name}" appears twice`, 'labels');
      }
      if (l.name === NAME_LABEL) name = l.value;
      else if (l.value !== '') labels[l.name] = l.value;
    }
    if (!name) {
      throw new AuroraError('AURORA_VALIDATION_FAILED', `timeseries.${i}: has no __name__ label`, 'labels');
    }
    for (const t of s.ts) {
      if (!(t >= 0 && t <= MAX_TIME_MS)) {
        throw new AuroraError(
          'AURORA_VALIDATION_FAILED',
          `timeseries.${i} (${name}): timestamp ${t} is not milliseconds since the epoch`,
          'samples',
        );
      }
    }
    const source = `instance:${labels.instance ?? ''}`;
    let list = bySource.get(source);
    if (!list) {
      list = [];
      bySource.set(source, list);
    }
    list.push({ name, labels, ts: s.ts, values: s.values });
  }
  return bySource;
}

/**
 * `POST /api/v1/write`: Prometheus remote_write 1.0 (a Snappy-compressed
 * protobuf `WriteRequest`). The whole request is stored or none of it: a
 * malformed body, an invalid name, a label or series limit, or a sample
 * Prometheus' rules refuse (out of order, another value at a stored time)
 * answers 400 (422 for a series limit), which Prometheus does not retry.
 * Exact duplicates, as a retried request resends, are ignored.
 */
export async function registerRemoteWriteRoute(app: FastifyInstance, ctx: RemoteWriteContext): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/x-protobuf', 'application/octet-stream'],
      { parseAs: 'buffer' },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/v1/write',
      {
        schema: {
          summary: 'Prometheus remote_write 1.0 receiver (snappy-compressed protobuf WriteRequest)',
          description:
            'Send with Content-Type application/x-protobuf and Content-Encoding snappy, authenticated with the admin token. ' +
            'Answers 204 once every sample is stored; 400 or 422 when nothing was stored (not to be retried).',
          tags: ['telemetry'],
          security: [{ admin: [] }],
          response: { 204: { type: 'null' }, 400: Problem, 401: Problem, 413: Problem, 415: Problem, 422: Problem },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) {
          ctx.rejected('content_type');
          throw new AuroraError(
            'AURORA_UNSUPPORTED_MEDIA_TYPE',
            'send a snappy-compressed protobuf WriteRequest with Content-Type application/x-protobuf',
          );
        }
        const encoding = request.headers['content-encoding'];
        if (encoding !== undefined && encoding !== 'snappy') {
          ctx.rejected('content_encoding');
          throw new AuroraError(
            'AURORA_UNSUPPORTED_MEDIA_TYPE',
            `Content-Encoding "${encoding}" is not supported; remote_write 1.0 uses snappy`,
          );
        }
        let prepared: PreparedWrite[];
        try {
          const series = decodeWriteRequest(body, ctx.maxUncompressedBytes);
          const receivedAt = ctx.now();
          prepared = [];
          for (const [source, list] of toIncoming(series)) {
            prepared.push(await ctx.ingest.prepare('remote_write', source, receivedAt, list, 'reject'));
          }
        } catch (error) {
          if (error instanceof MalformedWriteError) {
            ctx.rejected(error.reason);
            throw new AuroraError('AURORA_MALFORMED_PAYLOAD', `${error.message}; nothing was stored`);
          }
          if (error instanceof AuroraError)
            ctx.rejected(error.code === 'AURORA_SERIES_LIMIT' ? 'series_limit' : 'invalid');
          throw error;
        }
        await ctx.ingest.write(prepared);
        return reply.code(204).send();
      },
    );
  });
}
