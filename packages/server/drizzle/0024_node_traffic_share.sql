ALTER TABLE "nodes" ADD COLUMN "traffic_share" double precision;
