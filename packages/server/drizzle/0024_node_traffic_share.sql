ALTER TABLE "nodes" ADD COLUMN "traffic_share" real;
