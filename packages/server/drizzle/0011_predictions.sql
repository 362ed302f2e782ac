CREATE TABLE "predictions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"rule" text NOT NULL,
	"kind" text NOT NULL,
	"series_name" text NOT NULL,
	"labels" jsonb NOT NULL,
	"node" text,
	"subject" text NOT NULL,
	"message" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"opened_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"closed_at" bigint,
	"expected_at" bigint,
	"earliest_at" bigint,
	"latest_at" bigint,
	"first_expected_at" bigint,
	"first_earliest_at" bigint,
	"first_latest_at" bigint,
	"within_first_interval" boolean,
	"level" double precision NOT NULL,
	"current" double precision NOT NULL,
	"limit_value" double precision,
	"trend_per_hour" double precision NOT NULL,
	"misses" integer NOT NULL,
	"epoch" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "predictions_open_key" ON "predictions" USING btree ("key") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "predictions_status_closed_idx" ON "predictions" USING btree ("status","closed_at");