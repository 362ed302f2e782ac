CREATE TABLE "incident_alerts" (
	"alert_id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"added_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"opened_at" bigint NOT NULL,
	"last_activity_at" bigint NOT NULL,
	"resolved_at" bigint,
	"nodes" jsonb NOT NULL,
	"services" jsonb NOT NULL,
	"root_causes" jsonb NOT NULL,
	"ranked_at" bigint,
	"updated_at" bigint NOT NULL,
	"epoch" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "incident_alerts_incident_idx" ON "incident_alerts" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "incidents_status_opened_idx" ON "incidents" USING btree ("status","opened_at");