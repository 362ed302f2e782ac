DROP INDEX "node_transitions_node_idx";--> statement-breakpoint
CREATE INDEX "node_transitions_node_seq_idx" ON "node_transitions" USING btree ("node_id","seq");