import { sql } from 'drizzle-orm';
import type { Tx } from './engine.js';

/** Deletion of a node's metric data, inside the transaction that deletes the node. */
export const MetricRepo = {
  /** Deletes the series of an agent node (source `node:<id>`) with their chunks, rollups, detector states, head rows and batch ids. */
  async deleteNode(tx: Tx, nodeId: string): Promise<void> {
    const source = `node:${nodeId}`;
    await tx.execute(sql`with s as (select id from metric_series where source = ${source}),
      c as (delete from series_chunks where series_id in (select id from s)),
      m as (delete from rollups_1m where series_id in (select id from s)),
      h as (delete from rollups_1h where series_id in (select id from s)),
      ds as (delete from detection_state where series_id in (select id from s)),
      d as (delete from metric_head where source = ${source}),
      b as (delete from metric_batches where node_id = ${nodeId})
      delete from metric_series where source = ${source}`);
  },
};
