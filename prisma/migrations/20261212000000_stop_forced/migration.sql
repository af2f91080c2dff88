-- A second stop kills the finally stages a first stop let run.
ALTER TABLE "workflow_runs" ADD COLUMN "stop_forced_at" TIMESTAMPTZ(3);
