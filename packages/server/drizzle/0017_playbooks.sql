CREATE TABLE "playbooks" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"yaml" text NOT NULL,
	"spec" jsonb NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "playbooks_name_version_pk" PRIMARY KEY("name","version")
);
