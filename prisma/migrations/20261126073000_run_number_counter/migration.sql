-- AlterTable
ALTER TABLE "workflows" ADD COLUMN     "last_run_number" INTEGER NOT NULL DEFAULT 0;

-- Existing runs keep their numbers: the counter starts after the highest one.
UPDATE "workflows" w SET "last_run_number" = r.max_number
FROM (SELECT "workflow_id", max("number") AS max_number FROM "workflow_runs" GROUP BY "workflow_id") r
WHERE r."workflow_id" = w."id";
