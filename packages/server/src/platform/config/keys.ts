import { alertKeys, detectionKeys } from './keys-detection.js';
import { governanceKeys } from './keys-governance.js';
import { tlsKeys } from './keys-tls.js';
import { duration, integer, type Parser, parseDurationMs, text } from './parsers.js';

export type { Parser } from './parsers.js';
export { parseDurationMs } from './parsers.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One endpoint in Prometheus text exposition format that the leader scrapes. */
export interface ScrapeTarget {
  url: string;
  /** The `job` label of its series (default "scrape"). */
  job: string;
  /** How often it is scraped; undefined means scrapeIntervalMs. */
  intervalMs: number | undefined;
}

const scrapeTargets: Parser<ScrapeTarget[]> = (raw) => {
  const expected =
    'must be a list of URLs (comma-separated in the variable), or in aurora.yaml of {url, job?, interval?} entries';
  const items =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : raw;
  if (!Array.isArray(items)) return { ok: false, expected };
  const out: ScrapeTarget[] = [];
  for (const item of items) {
    const entry = typeof item === 'string' ? { url: item } : item;
    if (!entry || typeof entry !== 'object') return { ok: false, expected };
    const { url, job, interval, ...other } = entry as Record<string, unknown>;
    if (Object.keys(other).length > 0) {
      return { ok: false, expected: `${expected}; unknown field ${Object.keys(other)[0]}` };
    }
    if (typeof url !== 'string' || !/^https?:\/\/[^/]+/.test(url)) {
      return { ok: false, expected: `${expected}; each url must start with http:// or https://` };
    }
    if (job !== undefined && (typeof job !== 'string' || !/^\S{1,128}$/.test(job))) {
      return { ok: false, expected: `${expected}; job must be a short word` };
    }
    const intervalMs = interval === undefined ? undefined : parseDurationMs(interval);
    if (interval !== undefined && (intervalMs === undefined || intervalMs < 1_000)) {
      return { ok: false, expected: `${expected}; interval must be a duration of at least 1s` };
    }
    out.push({ url, job: (job as string | undefined) ?? 'scrape', intervalMs });
  }
  return { ok: true, value: out };
};

/**
 * A series with a known capacity that the leader makes predictions for, besides the built-in ones
 * (agent disks, memory and CPU).
 */
export interface CapacityRule {
  /** Short name of the rule, shown with its predictions. */
  name: string;
  /** Prometheus series selector of the series, e.g. net_rx_bps{iface="eth0"}. */
  match: string;
  /** The capacity in the series' unit; or `capacityMetric`. */
  capacity: number | undefined;
  /** A metric whose latest value, on the same labels, is the capacity (e.g. mem_total_bytes). */
  capacityMetric: string | undefined;
  /** full (reaches the capacity), saturated (reaches saturatedAt of it) or leak (steady growth). */
  kind: 'full' | 'saturated' | 'leak';
  /** Share of capacity that counts as saturated (default 0.95). */
  saturatedAt: number | undefined;
}

const RULE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const RULE_KINDS = ['full', 'saturated', 'leak'] as const;

const capacities: Parser<CapacityRule[]> = (raw) => {
  const expected =
    'must be a list of {name, match, capacity or capacityMetric, kind?: full|saturated|leak, saturatedAt?} (JSON in the variable)';
  let items: unknown = raw;
  if (typeof raw === 'string') {
    try {
      items = JSON.parse(raw);
    } catch {
      return { ok: false, expected };
    }
  }
  if (!Array.isArray(items)) return { ok: false, expected };
  const out: CapacityRule[] = [];
  for (const [i, item] of items.entries()) {
    const at = `${expected}; entry ${i}`;
    if (!item || typeof item !== 'object') return { ok: false, expected };
    const { name, match, capacity, capacityMetric, kind, saturatedAt, ...other } = item as Record<string, unknown>;
    if (Object.keys(other).length > 0) return { ok: false, expected: `${at}: unknown field ${Object.keys(other)[0]}` };
    if (typeof name !== 'string' || !RULE_NAME.test(name)) {
      return { ok: false, expected: `${at}: name must be a short lower-case word ([a-z][a-z0-9_-]*)` };
    }
    if (out.some((r) => r.name === name)) return { ok: false, expected: `${at}: name "${name}" is used twice` };
    if (typeof match !== 'string' || match.length === 0) return { ok: false, expected: `${at}: match is required` };
    if (capacity !== undefined && !(typeof capacity === 'number' && Number.isFinite(capacity) && capacity > 0)) {
      return { ok: false, expected: `${at}: capacity must be a positive number` };
    }
    if (
      capacityMetric !== undefined &&
      !(typeof capacityMetric === 'string' && /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(capacityMetric))
    ) {
      return { ok: false, expected: `${at}: capacityMetric must be a metric name` };
    }
    if (capacity !== undefined && capacityMetric !== undefined) {
      return { ok: false, expected: `${at}: give capacity or capacityMetric, not both` };
    }
    if (capacity === undefined && capacityMetric === undefined && kind !== 'leak') {
      return { ok: false, expected: `${at}: give capacity or capacityMetric (only a leak rule may have neither)` };
    }
    if (kind !== undefined && !RULE_KINDS.includes(kind as (typeof RULE_KINDS)[number])) {
      return { ok: false, expected: `${at}: kind must be one of ${RULE_KINDS.join(', ')}` };
    }
    if (saturatedAt !== undefined && !(typeof saturatedAt === 'number' && saturatedAt > 0 && saturatedAt <= 1)) {
      return { ok: false, expected: `${at}: saturatedAt must be a share in (0, 1]` };
    }
    out.push({
      name,
      match,
      capacity: capacity as number | undefined,
      capacityMetric: capacityMetric as string | undefined,
      kind: (kind as CapacityRule['kind'] | undefined) ?? 'full',
      saturatedAt: saturatedAt as number | undefined,
    });
  }
  return { ok: true, value: out };
};

/** One configuration key: where it comes from, its default and what it means. */
export interface ConfigKey<T = unknown> {
  /** Name in aurora.yaml and in the compiled config object. */
  name: string;
  /** Environment variable that sets it. */
  env: string;
  /** CLI flag that sets it, when there is one. */
  flag?: string;
  /** Default, as shown to users; `undefined` means unset unless derived. */
  default: T | undefined;
  description: string;
  /** Keys holding secrets are never printed. */
  secret?: boolean;
  parse: Parser<T>;
}

function key<T>(spec: ConfigKey<T>): ConfigKey<T> {
  return spec;
}

/**
 * Every configuration key of the control plane, in the order the README and
 * `aurora server --help` print them.
 */
export const configKeys = [
  key({
    name: 'host',
    env: 'AURORA_HOST',
    flag: '--host',
    default: '127.0.0.1',
    description: 'address to listen on',
    parse: text(),
  }),
  key({
    name: 'port',
    env: 'AURORA_PORT',
    flag: '--port',
    default: 7070,
    description: 'port to listen on (0 picks a free one)',
    parse: integer(0, 65_535),
  }),
  key({
    name: 'dataDir',
    env: 'AURORA_DATA_DIR',
    flag: '--data-dir',
    default: './.aurora/data',
    description:
      'directory of the embedded store (when no databaseUrl is set), of keyFile by default, and of the admin token, local agent and server URL the CLI saves for either store',
    parse: text(),
  }),
  key<string>({
    name: 'advertiseUrl',
    env: 'AURORA_ADVERTISE_URL',
    flag: '--advertise-url',
    default: undefined,
    description:
      "URL agents use to reach this replica, handed to them at join so they can fail over between replicas (default: http(s)://host:port, with this machine's hostname when host is 0.0.0.0 or ::)",
    parse: text(
      /^https?:\/\/[^/]+$/,
      'must be an http:// or https:// URL without a path, e.g. https://cp-2.example.com:7070',
    ),
  }),
  key<string>({
    name: 'databaseUrl',
    env: 'AURORA_DATABASE_URL',
    flag: '--database-url',
    default: undefined,
    description: 'PostgreSQL URL; when set, the embedded store is not used',
    secret: true,
    parse: text(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  }),
  key<'auto' | 'off'>({
    name: 'migrations',
    env: 'AURORA_MIGRATIONS',
    default: 'auto',
    description:
      '"auto" applies pending schema migrations at start (under an advisory lock, so one replica does it); "off" refuses to start on a database whose schema is older than this version. Either way a database migrated by a newer version is refused',
    parse: (raw) =>
      raw === 'auto' || raw === 'off' ? { ok: true, value: raw } : { ok: false, expected: 'must be "auto" or "off"' },
  }),
  key<string>({
    name: 'adminToken',
    env: 'AURORA_ADMIN_TOKEN',
    default: undefined,
    description:
      'admin bearer token: seeded on first start (generated and printed once if unset); on a later start it replaces the stored one',
    secret: true,
    // Any length is accepted so a quick local trial can use a short token; start-up warns below 16.
    parse: text(/^\S{1,256}$/, 'must be 1-256 characters without spaces'),
  }),
  key({
    name: 'heartbeatIntervalMs',
    env: 'AURORA_HEARTBEAT_INTERVAL_MS',
    default: 5_000,
    description: 'how often agents are asked to heartbeat',
    parse: duration(100),
  }),
  key<number>({
    name: 'suspectAfterMs',
    env: 'AURORA_SUSPECT_AFTER_MS',
    default: undefined,
    description: 'silence after which a node is suspect (default: 3 heartbeat intervals)',
    parse: duration(1),
  }),
  key({
    name: 'downAfterMs',
    env: 'AURORA_DOWN_AFTER_MS',
    default: 40_000,
    description: 'silence after which a node is down; must exceed suspectAfterMs',
    parse: duration(1),
  }),
  key({
    name: 'clockSkewThresholdMs',
    env: 'AURORA_CLOCK_SKEW_THRESHOLD_MS',
    default: 30_000,
    description: 'agent clock offset that raises the ClockSkew condition',
    parse: duration(0),
  }),
  key({
    name: 'sampleRetentionMs',
    env: 'AURORA_SAMPLE_RETENTION',
    default: 7 * 86_400_000,
    description: 'how long raw metric samples are kept (e.g. "7d"); the rollups are kept longer',
    parse: duration(60_000),
  }),
  key({
    name: 'minuteRollupRetentionMs',
    env: 'AURORA_MINUTE_ROLLUP_RETENTION',
    default: 30 * 86_400_000,
    description: 'how long 1-minute rollups (min, max, avg, count, last) are kept; at least sampleRetentionMs',
    parse: duration(60_000),
  }),
  key({
    name: 'hourRollupRetentionMs',
    env: 'AURORA_HOUR_ROLLUP_RETENTION',
    default: 365 * 86_400_000,
    description: 'how long 1-hour rollups are kept; at least minuteRollupRetentionMs',
    parse: duration(60_000),
  }),
  key({
    name: 'maxSeriesPerNode',
    env: 'AURORA_MAX_SERIES_PER_NODE',
    default: 10_000,
    description:
      'most series one node may have (an agent node, a remote-write instance label or a scrape target); a write past it gets a 422',
    parse: integer(1, 10_000_000),
  }),
  key({
    name: 'maxSeriesTotal',
    env: 'AURORA_MAX_SERIES_TOTAL',
    default: 1_000_000,
    description: 'most series stored in total; a write past it gets a 422',
    parse: integer(1, 100_000_000),
  }),
  key({
    name: 'compactionPassSamples',
    env: 'AURORA_COMPACTION_PASS_SAMPLES',
    default: 50_000,
    description:
      'samples the compactor moves from the head per transaction; larger passes compact a backlog faster but hold the embedded store longer',
    parse: integer(1_000, 10_000_000),
  }),
  key({
    name: 'queryMaxSeries',
    env: 'AURORA_QUERY_MAX_SERIES',
    default: 10_000,
    description: 'most series one query_range may match',
    parse: integer(1, 10_000_000),
  }),
  key<ScrapeTarget[]>({
    name: 'scrapeTargets',
    env: 'AURORA_SCRAPE_TARGETS',
    default: [],
    description:
      'endpoints in Prometheus text format the leader scrapes, e.g. http://127.0.0.1:9100/metrics (node_exporter); in aurora.yaml also {url, job, interval}',
    parse: scrapeTargets,
  }),
  key({
    name: 'scrapeIntervalMs',
    env: 'AURORA_SCRAPE_INTERVAL',
    default: 15_000,
    description: 'how often each scrape target is scraped unless its entry says otherwise',
    parse: duration(1_000),
  }),
  key<CapacityRule[]>({
    name: 'capacities',
    env: 'AURORA_CAPACITIES',
    default: [],
    description:
      'series with a known capacity to predict, besides agent disks, memory and CPU; in aurora.yaml a list of {name, match, capacity or capacityMetric, kind (full, saturated, leak), saturatedAt}, JSON in the variable',
    parse: capacities,
  }),
  key({
    name: 'predictionIntervalMs',
    env: 'AURORA_PREDICTION_INTERVAL',
    default: 60_000,
    description: 'how often the leader refreshes predictions (at most 1m)',
    parse: (raw) => {
      const r = duration(1_000)(raw);
      return r.ok && r.value > 60_000 ? { ok: false, expected: 'must be a duration from 1s to 1m' } : r;
    },
  }),
  key({
    name: 'bodyLimitBytes',
    env: 'AURORA_BODY_LIMIT_BYTES',
    default: 8 * 1024 * 1024,
    description: 'largest accepted request body',
    parse: integer(1_024, 1024 * 1024 * 1024),
  }),
  key({
    name: 'ingestFlushMs',
    env: 'AURORA_INGEST_FLUSH_MS',
    default: 25,
    description:
      'wait before writing coalesced heartbeats (more also queue while a write runs); longer waits write more per transaction',
    parse: duration(0),
  }),
  ...detectionKeys,
  ...alertKeys,
  ...governanceKeys,
  ...tlsKeys,
  key({
    name: 'logLevel',
    env: 'AURORA_LOG_LEVEL',
    flag: '--log-level',
    default: 'info',
    description: `log level: ${LOG_LEVELS.join(', ')}`,
    parse: text(new RegExp(`^(${LOG_LEVELS.join('|')})$`), `must be one of ${LOG_LEVELS.join(', ')}`),
  }),
] as const;
