-- Why a queued run waits, as admission found it (WorkflowRun.wait): the kind, the limit
-- it waits under and its place in that line; cleared when the run is admitted.
ALTER TABLE "workflow_runs" ADD COLUMN "wait_kind" TEXT;
ALTER TABLE "workflow_runs" ADD COLUMN "wait_limit" INTEGER;
ALTER TABLE "workflow_runs" ADD COLUMN "wait_position" INTEGER;
