CREATE TABLE "anomalies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"series_id" bigint NOT NULL,
	"metric" text NOT NULL,
	"labels" jsonb NOT NULL,
	"node" text,
	"at" bigint NOT NULL,
	"value" double precision NOT NULL,
	"score" double precision NOT NULL,
	"explanation" text NOT NULL,
	"received_at" bigint NOT NULL,
	"stored_at" bigint NOT NULL,
	"alert_id" text
);
--> statement-breakpoint
CREATE TABLE "detection_cursors" (
	"partition" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "detection_state" (
	"series_id" bigint PRIMARY KEY NOT NULL,
	"detector" text NOT NULL,
	"state" text NOT NULL,
	"last_ts" bigint NOT NULL,
	"points" bigint NOT NULL,
	"saved_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "anomalies_series_at_idx" ON "anomalies" USING btree ("series_id","at");--> statement-breakpoint
CREATE INDEX "anomalies_unalerted_idx" ON "anomalies" USING btree ("alert_id","id");