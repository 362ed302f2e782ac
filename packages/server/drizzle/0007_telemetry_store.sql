CREATE TABLE "metric_batches" (
	"node_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"received_at" bigint NOT NULL,
	CONSTRAINT "metric_batches_node_id_batch_id_pk" PRIMARY KEY("node_id","batch_id")
);
--> statement-breakpoint
CREATE TABLE "metric_head" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"received_at" bigint NOT NULL,
	"ts_min" bigint NOT NULL,
	"ts_max" bigint NOT NULL,
	"sample_count" integer NOT NULL,
	"series_ids" bigint[] NOT NULL,
	"ts" bigint[] NOT NULL,
	"vals" double precision[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metric_series" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"labels" jsonb NOT NULL,
	"labels_key" text NOT NULL,
	"source" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollups_1h" (
	"series_id" bigint NOT NULL,
	"start" bigint NOT NULL,
	"ts" bigint[] NOT NULL,
	"mins" double precision[] NOT NULL,
	"maxs" double precision[] NOT NULL,
	"sums" double precision[] NOT NULL,
	"counts" integer[] NOT NULL,
	"lasts" double precision[] NOT NULL,
	CONSTRAINT "rollups_1h_series_id_start_pk" PRIMARY KEY("series_id","start")
);
--> statement-breakpoint
CREATE TABLE "rollups_1m" (
	"series_id" bigint NOT NULL,
	"start" bigint NOT NULL,
	"ts" bigint[] NOT NULL,
	"mins" double precision[] NOT NULL,
	"maxs" double precision[] NOT NULL,
	"sums" double precision[] NOT NULL,
	"counts" integer[] NOT NULL,
	"lasts" double precision[] NOT NULL,
	CONSTRAINT "rollups_1m_series_id_start_pk" PRIMARY KEY("series_id","start")
);
--> statement-breakpoint
CREATE TABLE "series_chunks" (
	"series_id" bigint NOT NULL,
	"start" bigint NOT NULL,
	"ts_min" bigint NOT NULL,
	"ts_max" bigint NOT NULL,
	"sample_count" integer NOT NULL,
	"last_value" double precision NOT NULL,
	"ts" bigint[] NOT NULL,
	"vals" double precision[] NOT NULL,
	CONSTRAINT "series_chunks_series_id_start_pk" PRIMARY KEY("series_id","start")
);
--> statement-breakpoint
-- Carry the stored samples over. Each JSON chunk [[name, ts, value, labels?], ...] becomes one head row (the
-- compactor moves it into series chunks and rollups); agent names map as in telemetry/names.ts: dots become
-- underscores, label names outside [a-zA-Z0-9_] are rewritten, an agent label "node" becomes "exported_node",
-- and every series gets node="<node name>". Samples of nodes deleted meanwhile have no series and are left out.
CREATE TEMP TABLE "migrated_samples" AS
SELECT c."node_id", c."batch_id", c."received_at", e.ord,
  replace(e.item->>0, '.', '_') AS "name", (e.item->>1)::bigint AS "ts", (e.item->>2)::float8 AS "value",
  (SELECT coalesce(jsonb_object_agg(l.k, l.v), '{}'::jsonb) FROM (
     SELECT CASE WHEN n2.k = 'node' THEN 'exported_node' ELSE n2.k END AS k, x.value AS v
     FROM jsonb_each_text(coalesce((e.item->3)::jsonb, '{}'::jsonb)) x,
       LATERAL (SELECT CASE WHEN r.k ~ '^[0-9]' OR r.k = '' THEN '_' || r.k ELSE r.k END AS k
                FROM (SELECT regexp_replace(x.key, '[^a-zA-Z0-9_]', '_', 'g') AS k) r) n2
     ORDER BY x.key
   ) l) || jsonb_build_object('node', n."name") AS "labels",
  'node:' || c."node_id" AS "source"
FROM "metric_chunks" c
JOIN "nodes" n ON n."id" = c."node_id",
  LATERAL json_array_elements(c."samples"::json) WITH ORDINALITY AS e(item, ord)
WHERE c."sample_count" > 0;--> statement-breakpoint
INSERT INTO "metric_series" ("name", "labels", "labels_key", "source", "created_at")
SELECT DISTINCT ON ("name", "labels_key") "name", "labels", "labels_key", "source", "received_at"
FROM (
  SELECT m."name", m."labels", m."source", m."received_at",
    (SELECT coalesce(string_agg(x.key || '=' || to_json(x.value)::text, ',' ORDER BY x.key COLLATE "C"), '')
     FROM jsonb_each_text(m."labels") x) AS "labels_key"
  FROM "migrated_samples" m
) s
ORDER BY "name", "labels_key", "received_at";--> statement-breakpoint
INSERT INTO "metric_head" ("source", "received_at", "ts_min", "ts_max", "sample_count", "series_ids", "ts", "vals")
SELECT m."source", m."received_at", min(m."ts"), max(m."ts"), count(*)::int,
  array_agg(s."id" ORDER BY m.ord), array_agg(m."ts" ORDER BY m.ord), array_agg(m."value" ORDER BY m.ord)
FROM "migrated_samples" m
JOIN "metric_series" s ON s."name" = m."name" AND s."labels" = m."labels"
GROUP BY m."source", m."node_id", m."batch_id", m."received_at";--> statement-breakpoint
-- Keep every stored batch id, so a batch an agent replays after the upgrade is still stored once.
INSERT INTO "metric_batches" ("node_id", "batch_id", "received_at")
SELECT "node_id", "batch_id", "received_at" FROM "metric_chunks" ON CONFLICT DO NOTHING;--> statement-breakpoint
DROP TABLE "migrated_samples";--> statement-breakpoint
DROP TABLE "metric_chunks" CASCADE;--> statement-breakpoint
CREATE INDEX "metric_batches_received_brin" ON "metric_batches" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "metric_head_source_idx" ON "metric_head" USING btree ("source","ts_max");--> statement-breakpoint
CREATE INDEX "metric_head_ts_min_idx" ON "metric_head" USING btree ("ts_min");--> statement-breakpoint
CREATE UNIQUE INDEX "metric_series_identity" ON "metric_series" USING btree ("name","labels_key");--> statement-breakpoint
CREATE INDEX "metric_series_source_idx" ON "metric_series" USING btree ("source");