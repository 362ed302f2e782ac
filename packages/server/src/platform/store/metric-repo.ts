import { and, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Db } from './engine.js';
import { metricBatches, metricSamples } from './schema.js';

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

/** Metric samples: range queries and retention. */
export class MetricRepo {
  constructor(private readonly db: Db) {}

  /** Averages samples into `stepMs` buckets (bucket start timestamps), grouped by name and labels. */
  async range(q: RangeQuery): Promise<RangeSeries[]> {
    // Inlined (not a bind parameter) so GROUP BY and SELECT hold the same expression.
    const step = sql.raw(String(Math.max(1, Math.trunc(q.stepMs))));
    const bucket = sql<number>`((${metricSamples.ts} / ${step}) * ${step})::bigint`;
    const conditions = [eq(metricSamples.nodeId, q.nodeId), gte(metricSamples.ts, q.from), lte(metricSamples.ts, q.to)];
    if (q.name) conditions.push(eq(metricSamples.name, q.name));
    const rows = await this.db
      .select({
        name: metricSamples.name,
        labels: metricSamples.labels,
        bucket,
        value: sql<number>`avg(${metricSamples.value})`,
      })
      .from(metricSamples)
      .where(and(...conditions))
      .groupBy(metricSamples.name, metricSamples.labels, bucket)
      .orderBy(metricSamples.name, sql`${metricSamples.labels}::text`, bucket);
    const series = new Map<string, RangeSeries>();
    for (const r of rows) {
      const key = `${r.name}\u0000${JSON.stringify(r.labels)}`;
      let s = series.get(key);
      if (!s) {
        s = { name: r.name, labels: r.labels, points: [] };
        series.set(key, s);
      }
      s.points.push([Number(r.bucket), Number(r.value)]);
    }
    return [...series.values()];
  }

  /** Deletes samples and batch ids received before `cutoff`; returns the number of samples deleted. */
  async sweep(cutoff: number): Promise<number> {
    const deleted = await this.db
      .delete(metricSamples)
      .where(lt(metricSamples.receivedAt, cutoff))
      .returning({ ts: metricSamples.ts });
    await this.db.delete(metricBatches).where(lt(metricBatches.receivedAt, cutoff));
    return deleted.length;
  }
}
