DROP TABLE "metric_batches" CASCADE;--> statement-breakpoint
DROP TABLE "metric_samples" CASCADE;