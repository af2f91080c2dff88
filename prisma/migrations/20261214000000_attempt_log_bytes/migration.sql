-- Bytes of the current attempt's log stored through the ingestion route (stage pods'
-- helpers): the route refuses lines past CYCLONE_LOG_MAX_SIZE without summing the log.
ALTER TABLE "stage_runs" ADD COLUMN "log_bytes" BIGINT NOT NULL DEFAULT 0;
