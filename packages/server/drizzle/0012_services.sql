CREATE TABLE "services" (
	"name" text PRIMARY KEY NOT NULL,
	"picker" text NOT NULL,
	"health_path" text NOT NULL,
	"backends" jsonb NOT NULL,
	"updated_at" bigint NOT NULL
);
