-- searchLogs over a narrow scope (one workflow, one project, a small tenant) read
-- lines newest first along the timestamp index and joined each to workflow_runs to
-- learn its workflow: a common term in a quiet workflow read every newer line of the
-- busy ones first (855,000 lines for 21 hits; docs/insight.md). Each line now carries
-- its run's workflow (a run never changes workflow; the writers copy it; no foreign
-- key, which would cost every insert a lookup: the run's cascade deletes the lines),
-- and an index on (workflow_id, timestamp, run_id, stage, seq), all but the first
-- descending, reads one workflow's lines in exactly the search's order. A common query
-- reads each workflow of its scope that way and merges them (Merge Append), reading
-- only as far as a page of hits needs: with the index on (workflow_id, timestamp)
-- alone, each workflow's scan went through an Incremental Sort, which takes at least
-- 32 rows (here every hit up to the page size) before giving out its first, and a
-- medium term such as "worker-12]" over 12 workflows took 125 ms instead of 15 ms at
-- 20 million lines. A rare query still goes through the trigram index. The timestamp
-- index served only the former way of reading and is dropped (one index less for
-- every stored line).
--
-- The backfill rewrites every line. Updating a table together with its trigram index
-- is far slower than building the index again, so the trigram index is dropped first
-- and built after. The table is locked meanwhile: stages' lines wait.
DROP INDEX IF EXISTS "log_lines_text_trgm_idx";
DROP INDEX IF EXISTS "log_lines_timestamp_idx";

ALTER TABLE "log_lines" ADD COLUMN "workflow_id" UUID;

UPDATE "log_lines" l SET "workflow_id" = r."workflow_id" FROM "workflow_runs" r WHERE r."id" = l."run_id";

ALTER TABLE "log_lines" ALTER COLUMN "workflow_id" SET NOT NULL;

CREATE INDEX "log_lines_workflow_id_timestamp_idx" ON "log_lines" ("workflow_id", "timestamp" DESC, "run_id" DESC, "stage" DESC, "seq" DESC);

CREATE INDEX "log_lines_text_trgm_idx" ON "log_lines" USING GIN ("text" gin_trgm_ops);
