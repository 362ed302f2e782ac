DROP INDEX "metric_series_identity";--> statement-breakpoint
CREATE UNIQUE INDEX "metric_series_identity" ON "metric_series" USING btree ("name",md5("labels_key"));