CREATE TABLE "policy_versions" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"version" integer NOT NULL,
	"text" text,
	"change" text NOT NULL,
	"from_version" integer,
	"author" jsonb NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_id_version_idx" ON "policy_versions" USING btree ("id","version");