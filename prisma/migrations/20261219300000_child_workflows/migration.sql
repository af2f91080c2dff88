-- Child workflows: a run started by a stage of another run.
ALTER TABLE "workflow_runs" ADD COLUMN "parent_run_id" UUID,
ADD COLUMN "parent_stage" TEXT,
ADD COLUMN "parent_attempt" INTEGER;

CREATE INDEX "workflow_runs_parent_run_id_idx" ON "workflow_runs"("parent_run_id");
