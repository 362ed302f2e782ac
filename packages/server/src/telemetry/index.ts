import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../platform/http/metrics.js';
import type { Controller, DecisionLog, Leadership } from '../platform/leadership/index.js';
import type { Store } from '../platform/store/index.js';
import { Compactor } from './compactor.js';
import { TelemetryIngest } from './ingest.js';
import type { SeriesLimits } from './limits.js';
import { QueryEngine } from './query-engine.js';
import { registerRemoteWriteRoute } from './remote-write/route.js';
import { TierRetentionSweeper } from './retention.js';
import { registerQueryRoute } from './routes-query.js';
import { type ScrapeResult, TargetScraper } from './scrape/scraper.js';
import { SeriesCatalog } from './series-catalog.js';
import type { TierRetention } from './tiers.js';

export { Compactor } from './compactor.js';
export type { IncomingSeries, IngestVia, PreparedWrite, SamplesIngested, TelemetryIngest } from './ingest.js';
export { agentLabelName, agentMetricName, NODE_LABEL } from './names.js';
export type { QueryEngine, RangeAnswer } from './query-engine.js';
export { parseMatch, parseQueryRange } from './routes-query.js';
export { type ExposedSample, formatExposition, parseExposition } from './scrape/exposition.js';
export { parseSelector, type Selector, SelectorError, selects } from './selector.js';

/** Settings of the telemetry capability. */
export interface TelemetryOptions {
  store: Store;
  metrics: ServerMetrics;
  now: () => number;
  limits: SeriesLimits;
  retention: TierRetention;
  /** Fences the retention sweep (default: one process that always leads). */
  leadership?: Leadership;
  /** The audit chain, where sweeps that deleted metric data are recorded (default: not recorded). */
  decisions?: DecisionLog;
  queryMaxSeries: number;
  /** Largest remote-write body once decompressed. */
  maxUncompressedBytes: number;
  /** Samples the compactor moves per transaction. */
  compactionPassSamples?: number;
  /** Endpoints in Prometheus text format the leader scrapes. */
  scrapeTargets?: readonly { url: string; job: string; intervalMs: number }[];
  /** Told of every scrape's outcome (the error when it failed), for logs. */
  onScrape?: (target: string, result: ScrapeResult, error?: unknown) => void;
}

/** The telemetry capability: the ingest entry point, queries, and the leader's compaction and retention. */
export interface Telemetry {
  ingest: TelemetryIngest;
  query: QueryEngine;
  compactor: Compactor;
  retention: TierRetentionSweeper;
  /** One per configured scrape target. */
  scrapers: TargetScraper[];
  /** Controllers to run on the leader. */
  controllers: Controller[];
  registerRoutes(app: FastifyInstance): Promise<void>;
}

/** Builds the telemetry capability over the store. */
export function createTelemetry(o: TelemetryOptions): Telemetry {
  const db = o.store.db;
  const catalog = new SeriesCatalog(db, o.limits, o.now);
  const ingest = new TelemetryIngest(db, catalog, {
    stored: (via, n) => o.metrics.samples.inc({ via }, n),
    dropped: (via, reason, n) => o.metrics.samplesDropped.inc({ via, reason }, n),
  });
  const query = new QueryEngine(db, o.queryMaxSeries);
  const compactor = new Compactor({
    db,
    now: o.now,
    ...(o.compactionPassSamples ? { passSamples: o.compactionPassSamples } : {}),
    onBacklog: (samples) => o.metrics.compactionBacklog.set(samples),
    onPass: (seconds, samples) => {
      o.metrics.compaction.observe(seconds);
      o.metrics.compactedSamples.inc(samples);
    },
  });
  const retention = new TierRetentionSweeper(
    db,
    o.retention,
    o.now,
    () => catalog.forgetAll(),
    undefined,
    o.leadership,
    o.decisions,
  );
  const scrapers = (o.scrapeTargets ?? []).map(
    (target) =>
      new TargetScraper({
        target,
        ingest,
        now: o.now,
        onScrape: (url, result, error) => {
          o.metrics.scrapes.inc({ target: url, result });
          o.onScrape?.(url, result, error);
        },
      }),
  );
  return {
    ingest,
    query,
    compactor,
    retention,
    scrapers,
    controllers: [compactor, retention, ...scrapers],
    async registerRoutes(app) {
      await registerQueryRoute(app, query, o.now);
      await registerRemoteWriteRoute(app, {
        ingest,
        now: o.now,
        maxUncompressedBytes: o.maxUncompressedBytes,
        rejected: (reason) => o.metrics.remoteWriteRejected.inc({ reason }),
      });
    },
  };
}
