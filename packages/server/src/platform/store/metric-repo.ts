import { and, asc, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Db, Tx } from './engine.js';
import { decodeChunk, decodeChunkSamplesNamed, labelsKey } from './sample-chunk.js';
import { metricChunks } from './schema.js';

/** A range query over one node's samples. */
export interface RangeQuery {
  nodeId: string;
  /** Only this metric name, when given. */
  name?: string;
  from: number;
  to: number;
  /** Bucket width in ms; each bucket's points are averaged. */
  stepMs: number;
}

/** One series of bucketed points. */
export interface RangeSeries {
  name: string;
  labels: Record<string, string>;
  points: [number, number][];
}

interface Bucketing {
  name: string;
  labels: Record<string, string>;
  labelsKey: string;
  /** bucket start → [sum, count] */
  buckets: Map<number, [number, number]>;
}

/** Metric samples: range queries, retention and per-node deletion. */
export class MetricRepo {
  constructor(private readonly db: Db) {}

  /**
   * Averages samples into `stepMs` buckets (bucket start timestamps), grouped
   * by name and labels, series ordered by name then labels. The database
   * narrows the read to the chunks whose time bounds overlap the range;
   * decoding and bucketing happen here, the same on both engines.
   */
  async range(q: RangeQuery): Promise<RangeSeries[]> {
    const step = Math.max(1, Math.trunc(q.stepMs));
    const chunks = await this.db
      .select({ samples: metricChunks.samples })
      .from(metricChunks)
      .where(
        and(
          eq(metricChunks.nodeId, q.nodeId),
          gte(metricChunks.tsMax, q.from),
          lte(metricChunks.tsMin, q.to),
          sql`${metricChunks.sampleCount} > 0`,
        ),
      )
      .orderBy(asc(metricChunks.tsMax));
    const series = new Map<string, Bucketing>();
    for (const chunk of chunks) {
      const samples =
        q.name === undefined ? decodeChunk(chunk.samples) : decodeChunkSamplesNamed(chunk.samples, q.name);
      for (const [name, ts, value, labels] of samples) {
        if (ts < q.from || ts > q.to || (q.name !== undefined && name !== q.name)) continue;
        const lk = labelsKey(labels);
        const key = `${name}\u0000${lk}`;
        let s = series.get(key);
        if (!s) {
          s = { name, labels: labels ?? {}, labelsKey: lk, buckets: new Map() };
          series.set(key, s);
        }
        // Floor toward -∞ so buckets before the epoch line up like the ones after it.
        const bucket = Math.floor(ts / step) * step;
        const acc = s.buckets.get(bucket);
        if (acc) {
          acc[0] += value;
          acc[1] += 1;
        } else s.buckets.set(bucket, [value, 1]);
      }
    }
    return [...series.values()]
      .sort((a, b) => compare(a.name, b.name) || compare(a.labelsKey, b.labelsKey))
      .map((s) => ({
        name: s.name,
        labels: s.labels,
        points: [...s.buckets.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([bucket, [sum, n]]): [number, number] => [bucket, sum / n]),
      }));
  }

  /** Deletes samples (and replay ids) received before `cutoff`; returns the number of samples deleted. */
  async sweep(cutoff: number): Promise<number> {
    const deleted = await this.db
      .delete(metricChunks)
      .where(lt(metricChunks.receivedAt, cutoff))
      .returning({ n: metricChunks.sampleCount });
    return deleted.reduce((sum, r) => sum + r.n, 0);
  }

  /** Deletes all samples of one node, inside the caller's transaction. */
  static async deleteNode(tx: Tx, nodeId: string): Promise<void> {
    await tx.delete(metricChunks).where(eq(metricChunks.nodeId, nodeId));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
