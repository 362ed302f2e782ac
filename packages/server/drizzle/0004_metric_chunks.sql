CREATE TABLE "metric_chunks" (
	"node_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"received_at" bigint NOT NULL,
	"ts_min" bigint NOT NULL,
	"ts_max" bigint NOT NULL,
	"sample_count" integer NOT NULL,
	"samples" text NOT NULL,
	CONSTRAINT "metric_chunks_node_id_batch_id_pk" PRIMARY KEY("node_id","batch_id")
);
--> statement-breakpoint
CREATE INDEX "metric_chunks_range_idx" ON "metric_chunks" USING btree ("node_id","ts_max");--> statement-breakpoint
CREATE INDEX "metric_chunks_received_brin" ON "metric_chunks" USING brin ("received_at");--> statement-breakpoint
-- Carry the stored samples over: one chunk per node and receive time (the batches of one heartbeat share it).
-- The ':' keeps these ids apart from agent batch ids, which are [A-Za-z0-9_-]+.
INSERT INTO "metric_chunks" ("node_id", "batch_id", "received_at", "ts_min", "ts_max", "sample_count", "samples")
SELECT "node_id", 'migrated:' || "received_at", "received_at", min("ts"), max("ts"), count(*)::int,
  json_agg(CASE WHEN "labels" = '{}'::jsonb THEN json_build_array("name", "ts", "value")
    ELSE json_build_array("name", "ts", "value", "labels") END ORDER BY "ts", "name")::text
FROM "metric_samples" GROUP BY "node_id", "received_at";--> statement-breakpoint
-- Keep every stored batch id, so a batch an agent replays after the upgrade is still stored once.
INSERT INTO "metric_chunks" ("node_id", "batch_id", "received_at", "ts_min", "ts_max", "sample_count", "samples")
SELECT "node_id", "batch_id", "received_at", "received_at", "received_at", 0, '[]' FROM "metric_batches";
