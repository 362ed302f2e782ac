CREATE TABLE "workflow_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"input" jsonb,
	"status" text NOT NULL,
	"cursor" integer NOT NULL,
	"outputs" jsonb NOT NULL,
	"next_at" bigint NOT NULL,
	"error" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"epoch" bigint NOT NULL,
	CONSTRAINT "workflow_runs_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "workflow_steps" (
	"run_id" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"failures" integer NOT NULL,
	"output" jsonb,
	"error" text,
	"started_at" bigint NOT NULL,
	"finished_at" bigint,
	"wake_at" bigint,
	CONSTRAINT "workflow_steps_run_id_position_pk" PRIMARY KEY("run_id","position")
);
--> statement-breakpoint
CREATE INDEX "workflow_runs_due_idx" ON "workflow_runs" USING btree ("status","next_at");