import type { ConfigKey } from './keys.js';
import { duration, integer, type Parser } from './parsers.js';

const score: Parser<number> = (raw) => {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  return n > 0 && n <= 1 ? { ok: true, value: n } : { ok: false, expected: 'must be a number above 0 and at most 1' };
};

/** A list from aurora.yaml, or from a variable holding a JSON array or (for plain strings) comma-separated items. */
function list(raw: unknown, commas: boolean): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  if (!commas) return text === '' ? [] : [text];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const selectorTexts: Parser<string[]> = (raw) => {
  const items = list(raw, false);
  const expected = 'must be a list of Prometheus series selectors (a variable holds one, or a JSON array)';
  if (!items?.every((i) => typeof i === 'string' && i.length > 0 && i.length <= 4_096)) {
    return { ok: false, expected };
  }
  return { ok: true, value: items as string[] };
};

const httpUrl = /^https?:\/\/[^/\s]+/;

const urls: Parser<string[]> = (raw) => {
  const items = list(raw, true);
  if (!items?.every((i) => typeof i === 'string' && httpUrl.test(i))) {
    return { ok: false, expected: 'must be a list of http:// or https:// URLs (comma-separated in the variable)' };
  }
  return { ok: true, value: items as string[] };
};

/** A receiver of signed alert webhooks. */
export interface WebhookTarget {
  url: string;
  /** Key of the HMAC-SHA256 signature of every delivery. */
  secret: string;
}

const webhooks: Parser<WebhookTarget[]> = (raw) => {
  const expected =
    'must be a list of {url, secret} (a JSON array in the variable), each url http:// or https://, each secret at least 16 characters';
  const items = list(raw, false);
  if (!items) return { ok: false, expected };
  const out: WebhookTarget[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') return { ok: false, expected };
    const { url, secret, ...other } = item as Record<string, unknown>;
    if (Object.keys(other).length > 0)
      return { ok: false, expected: `${expected}; unknown field ${Object.keys(other)[0]}` };
    if (typeof url !== 'string' || !httpUrl.test(url)) return { ok: false, expected: `${expected}; bad url` };
    if (typeof secret !== 'string' || secret.length < 16)
      return { ok: false, expected: `${expected}; secret too short` };
    out.push({ url, secret });
  }
  return { ok: true, value: out };
};

/** Keys of live detection. */
export const detectionKeys = [
  {
    name: 'detectionSeries',
    env: 'AURORA_DETECTION_SERIES',
    default: [],
    description:
      'series live detection judges, as Prometheus selectors (e.g. cpu_usage_pct, {job="node"}); empty: every agent metric',
    parse: selectorTexts,
  } satisfies ConfigKey<string[]>,
  {
    name: 'detectionPartitions',
    env: 'AURORA_DETECTION_PARTITIONS',
    default: 16,
    description: 'partitions series are grouped into for detection, each owned through a lease (the leader owns all)',
    parse: integer(1, 4_096),
  } satisfies ConfigKey<number>,
  {
    name: 'detectionOwnership',
    env: 'AURORA_DETECTION_OWNERSHIP',
    default: 'leader',
    description:
      'who runs detection: "leader" (the leader owns every partition) or "shared" (every replica on PostgreSQL takes an equal share)',
    parse: (raw) =>
      raw === 'leader' || raw === 'shared'
        ? { ok: true, value: raw }
        : { ok: false, expected: 'must be "leader" or "shared"' },
  } satisfies ConfigKey<'leader' | 'shared'>,
  {
    name: 'detectionThreshold',
    env: 'AURORA_DETECTION_THRESHOLD',
    default: 0.9,
    description: 'anomaly score (0-1) at or above which a point is recorded as an anomaly',
    parse: score,
  } satisfies ConfigKey<number>,
  {
    name: 'detectionSnapshotIntervalMs',
    env: 'AURORA_DETECTION_SNAPSHOT_INTERVAL',
    default: 60_000,
    description: 'how often detector state is written to the store; a restart re-reads the head since then',
    parse: duration(1_000),
  } satisfies ConfigKey<number>,
];

/** Keys of alerts and where they go. */
export const alertKeys = [
  {
    name: 'alertResolveAfterMs',
    env: 'AURORA_ALERT_RESOLVE_AFTER',
    default: 300_000,
    description: 'an anomaly alert resolves once its series has had no anomaly for this long',
    parse: duration(1_000),
  } satisfies ConfigKey<number>,
  {
    name: 'anomalyTrafficWeight',
    env: 'AURORA_ANOMALY_TRAFFIC_WEIGHT',
    // Halved, not drained: an anomaly is a suspicion, and a false one should cost a node some
    // traffic, not all of it; health checks and outlier ejection take out a backend that fails.
    default: 0.5,
    description:
      'share of its weight a service backend on a node keeps while the node has a firing anomaly alert (1 turns this off)',
    parse: score,
  } satisfies ConfigKey<number>,
  {
    name: 'alertmanagerUrls',
    env: 'AURORA_ALERTMANAGER_URLS',
    default: [],
    description: 'Prometheus Alertmanagers alerts are pushed to (API v2), e.g. http://127.0.0.1:9093',
    parse: urls,
  } satisfies ConfigKey<string[]>,
  {
    name: 'alertWebhooks',
    env: 'AURORA_ALERT_WEBHOOKS',
    default: [],
    description: 'receivers of alerts as HMAC-signed webhooks: a list of {url, secret}',
    secret: true,
    parse: webhooks,
  } satisfies ConfigKey<WebhookTarget[]>,
];
