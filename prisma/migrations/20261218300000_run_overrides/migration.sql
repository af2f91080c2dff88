-- A retry that healed stages in place (retryWorkflowRun overrides) records which.
ALTER TABLE "workflow_runs" ADD COLUMN "overridden_stages" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
