CREATE TABLE "join_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"description" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"uses_remaining" integer NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "join_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "metric_batches" (
	"node_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"received_at" bigint NOT NULL,
	CONSTRAINT "metric_batches_node_id_batch_id_pk" PRIMARY KEY("node_id","batch_id")
);
--> statement-breakpoint
CREATE TABLE "metric_samples" (
	"node_id" text NOT NULL,
	"ts" bigint NOT NULL,
	"name" text NOT NULL,
	"labels" jsonb NOT NULL,
	"value" double precision NOT NULL,
	"received_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_transitions" (
	"node_id" text NOT NULL,
	"at" bigint NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"state" text NOT NULL,
	"state_reason" text NOT NULL,
	"state_since" bigint NOT NULL,
	"labels" jsonb NOT NULL,
	"zone" text,
	"facts" jsonb,
	"conditions" jsonb NOT NULL,
	"credential_hash" text NOT NULL,
	"last_heartbeat_at" bigint,
	"operator_state" text,
	"health" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "nodes_name_unique" UNIQUE("name"),
	CONSTRAINT "nodes_credential_hash_unique" UNIQUE("credential_hash")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "metric_batches_received_idx" ON "metric_batches" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "metric_samples_range_idx" ON "metric_samples" USING btree ("node_id","name","ts");--> statement-breakpoint
CREATE INDEX "metric_samples_received_idx" ON "metric_samples" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "node_transitions_node_idx" ON "node_transitions" USING btree ("node_id","at");