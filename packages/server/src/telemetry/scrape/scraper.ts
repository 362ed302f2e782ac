import type { Controller } from '../../platform/leadership/index.js';
import type { IncomingSeries, TelemetryIngest } from '../ingest.js';
import { seriesKey } from '../series-key.js';
import { type ExposedSample, parseExposition } from './exposition.js';

/** One configured target, compiled. */
export interface ScrapeTargetSpec {
  url: string;
  job: string;
  intervalMs: number;
}

/** What a scrape reports, for the server's counters. */
export type ScrapeResult = 'ok' | 'failed';

/** Options of one {@link TargetScraper}. */
export interface ScraperOptions {
  target: ScrapeTargetSpec;
  ingest: TelemetryIngest;
  now: () => number;
  onScrape?: (target: string, result: ScrapeResult, error?: unknown) => void;
  /** Longest a scrape may take (default: the interval, at most 10 s). */
  timeoutMs?: number;
}

/** Labels that belong to the target; a scraped label of the same name is kept as `exported_<name>`, as Prometheus does. */
const TARGET_LABELS = ['job', 'instance'] as const;

/**
 * The ingest form of one scrape: target labels `job` and `instance` added
 * (host:port of the URL), samples without a timestamp stamped with the
 * scrape's start, `up` (1) and `scrape_samples_scraped` added as Prometheus
 * does, and a series repeated within the scrape kept once.
 */
export function scrapeSeries(
  samples: readonly ExposedSample[],
  target: { job: string; instance: string },
  at: number,
): IncomingSeries[] {
  const bySeries = new Map<string, IncomingSeries & { ts: number[]; values: number[] }>();
  const add = (name: string, labels: Record<string, string>, t: number, v: number) => {
    const key = seriesKey(name, labels);
    if (bySeries.has(key)) return;
    bySeries.set(key, { name, labels, ts: [t], values: [v] });
  };
  for (const s of samples) {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels)) {
      if (v === '') continue;
      labels[(TARGET_LABELS as readonly string[]).includes(k) ? `exported_${k}` : k] = v;
    }
    labels.job = target.job;
    labels.instance = target.instance;
    add(s.name, labels, s.timestampMs ?? at, s.value);
  }
  const own = { job: target.job, instance: target.instance };
  add('up', own, at, 1);
  add('scrape_samples_scraped', own, at, samples.length);
  return [...bySeries.values()];
}

/**
 * Scrapes one target in Prometheus text format on the leader, every
 * interval, and stores the samples through the ingest entry point with
 * Prometheus' scrape rules: out-of-order and duplicate samples are dropped
 * and counted, the rest stored. A target that cannot be fetched or parsed
 * stores `up` = 0 and nothing else.
 */
export class TargetScraper implements Controller {
  readonly name: string;
  readonly intervalMs: number;
  readonly #instance: string;
  readonly #source: string;

  constructor(private readonly o: ScraperOptions) {
    this.name = `scrape ${o.target.url}`;
    this.intervalMs = o.target.intervalMs;
    this.#instance = new URL(o.target.url).host;
    this.#source = `scrape:${o.target.url}`;
  }

  async runOnce(): Promise<void> {
    await this.scrape();
  }

  /** One scrape; resolves with the result and never throws for a target's fault. */
  async scrape(): Promise<ScrapeResult> {
    const at = this.o.now();
    const target = { job: this.o.target.job, instance: this.#instance };
    try {
      const res = await fetch(this.o.target.url, {
        headers: { accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? Math.min(10_000, this.intervalMs)),
      });
      if (!res.ok) throw new Error(`answered HTTP ${res.status}`);
      await this.#store(scrapeSeries(parseExposition(await res.text()), target, at), at);
    } catch (error) {
      // Unreachable, unparsable or refused (a limit, an invalid name): nothing of the scrape is stored.
      this.o.onScrape?.(this.o.target.url, 'failed', error);
      await this.#store([{ name: 'up', labels: { ...target }, ts: [at], values: [0] }], at).catch(() => undefined);
      return 'failed';
    }
    this.o.onScrape?.(this.o.target.url, 'ok');
    return 'ok';
  }

  async #store(series: IncomingSeries[], at: number): Promise<void> {
    const prepared = await this.o.ingest.prepare('scrape', this.#source, at, series, 'drop');
    await this.o.ingest.write([prepared]);
  }
}
