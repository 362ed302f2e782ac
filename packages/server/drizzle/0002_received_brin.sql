DROP INDEX "metric_samples_received_idx";--> statement-breakpoint
CREATE INDEX "metric_samples_received_brin" ON "metric_samples" USING brin ("received_at");