import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The control plane's Prometheus metrics, in a registry of its own so several servers can share a process. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'aurora_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly heartbeats = new Counter({
    name: 'aurora_heartbeats_total',
    help: 'heartbeats accepted from node agents',
    registers: [this.registry],
  });
  readonly samples = new Counter({
    name: 'aurora_metric_samples_ingested_total',
    help: 'metric samples stored (replays excluded), by way in: agent, remote_write, scrape',
    labelNames: ['via'] as const,
    registers: [this.registry],
  });
  readonly samplesDropped = new Counter({
    name: 'aurora_metric_samples_dropped_total',
    help: 'samples left out of accepted writes: out_of_order, duplicate (another value at a stored time), stale_marker, out_of_range (an agent value its metric cannot hold)',
    labelNames: ['via', 'reason'] as const,
    registers: [this.registry],
  });
  readonly eventsNotRelayed = new Counter({
    name: 'aurora_events_not_relayed_total',
    help: 'events of this replica that other replicas did not get: too_large (above the NOTIFY payload limit), unsent (the relay connection was down)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly remoteWriteRejected = new Counter({
    name: 'aurora_remote_write_rejected_total',
    help: 'remote-write requests refused whole, by reason: snappy, protobuf, content_type, content_encoding, invalid, series_limit',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly compaction = new Histogram({
    name: 'aurora_compaction_pass_seconds',
    help: 'time of one compaction pass (head samples into hourly chunks and rollups)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly compactionBacklog = new Gauge({
    name: 'aurora_compaction_backlog_samples',
    help: 'head samples of closed hours still waiting for compaction, as of the last compaction run',
    registers: [this.registry],
  });
  readonly compactedSamples = new Counter({
    name: 'aurora_compacted_samples_total',
    help: 'samples moved from the head into chunks and rollups',
    registers: [this.registry],
  });
  readonly scrapes = new Counter({
    name: 'aurora_scrapes_total',
    help: 'scrapes of configured targets, by target and result (ok, failed)',
    labelNames: ['target', 'result'] as const,
    registers: [this.registry],
  });
  readonly ingestFlush = new Histogram({
    name: 'aurora_ingest_flush_seconds',
    help: 'time to write one coalesced batch of heartbeats',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly nodesByState = new Gauge({
    name: 'aurora_nodes',
    help: 'nodes by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly detectionLag = new Histogram({
    name: 'aurora_detection_lag_seconds',
    help: 'time from a sample being received to its anomaly being stored',
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [this.registry],
  });
  readonly detectionJudgedLag = new Histogram({
    name: 'aurora_detection_judged_lag_seconds',
    help: 'time from a sample being received to the detector judging it, per sample',
    buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30],
    registers: [this.registry],
  });
  readonly detectionStateBytes = new Gauge({
    name: 'aurora_detection_state_bytes_per_series',
    help: 'mean size of a serialised detector snapshot in the last snapshot pass',
    registers: [this.registry],
  });
  readonly detectionSnapshotFailures = new Counter({
    name: 'aurora_detection_restarts_total',
    help: 'series whose detector started afresh because its snapshot did not load or it failed',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Records every request's latency, labelled by route pattern (not raw URL, to bound cardinality). */
  install(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.httpDuration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }
}
