-- Acceleration (the original's workflowrun.cyclone.dev/acceleration label): a run's stages keep their build tool folders.
ALTER TABLE "workflow_runs" ADD COLUMN "acceleration" BOOLEAN NOT NULL DEFAULT false;
