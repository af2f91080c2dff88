-- Cyclone's WorkflowRun startStages / endStages: a run of the stages between them.
ALTER TABLE "workflow_runs" ADD COLUMN "start_stages" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "end_stages" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
