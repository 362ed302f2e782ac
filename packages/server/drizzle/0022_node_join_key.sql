ALTER TABLE "nodes" ADD COLUMN "join_token_id" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "join_key_hash" text;