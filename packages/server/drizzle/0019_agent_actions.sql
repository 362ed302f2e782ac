CREATE TABLE "agent_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"node_id" text NOT NULL,
	"node" text NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" text NOT NULL,
	"details" jsonb,
	"created_at" bigint NOT NULL,
	"delivered_at" bigint,
	"finished_at" bigint,
	"expires_at" bigint NOT NULL,
	"requested_by" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "agent_actions_node_idx" ON "agent_actions" USING btree ("node_id","created_at");--> statement-breakpoint
CREATE INDEX "agent_actions_open_idx" ON "agent_actions" USING btree ("node_id") WHERE status in ('pending', 'delivered');