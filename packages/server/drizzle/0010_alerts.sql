CREATE TABLE "alert_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"receiver" text NOT NULL,
	"alert_id" text NOT NULL,
	"state" text NOT NULL,
	"attempt" integer NOT NULL,
	"outcome" text NOT NULL,
	"status" integer,
	"error" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"receiver" text NOT NULL,
	"alert_id" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer NOT NULL,
	"next_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"selector" text NOT NULL,
	"op" text NOT NULL,
	"value" double precision NOT NULL,
	"for_ms" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "alert_rules_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"source" text NOT NULL,
	"state" text NOT NULL,
	"node" text,
	"metric" text NOT NULL,
	"labels" jsonb NOT NULL,
	"starts_at" bigint NOT NULL,
	"ends_at" bigint,
	"last_seen_at" bigint NOT NULL,
	"summary" text NOT NULL,
	"score" double precision NOT NULL,
	"notified_state" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "silences" (
	"id" text PRIMARY KEY NOT NULL,
	"matchers" jsonb NOT NULL,
	"starts_at" bigint NOT NULL,
	"ends_at" bigint NOT NULL,
	"comment" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alert_deliveries_at_idx" ON "alert_deliveries" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_firing_fingerprint" ON "alerts" USING btree ("fingerprint") WHERE state = 'firing';--> statement-breakpoint
CREATE INDEX "alerts_starts_at_idx" ON "alerts" USING btree ("starts_at");