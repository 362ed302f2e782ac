CREATE TABLE "replicas" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"seen_at" bigint NOT NULL
);
