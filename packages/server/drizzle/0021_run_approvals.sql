CREATE TABLE "run_approvals" (
	"run_id" text NOT NULL,
	"approver" text NOT NULL,
	"name" text NOT NULL,
	"level" integer NOT NULL,
	"decision" text NOT NULL,
	"reason" text NOT NULL,
	"decided_at" bigint NOT NULL,
	"seq" bigserial NOT NULL,
	CONSTRAINT "run_approvals_run_id_approver_pk" PRIMARY KEY("run_id","approver")
);
