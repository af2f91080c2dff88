-- Runs waiting for admission, by workflow: the queue limit counts a tenant's queued
-- runs on every creation, and the admission pass reads them. A partial index holds
-- only the queued runs, so both cost what the queue holds, not the run history.
CREATE INDEX "workflow_runs_queued_idx" ON "workflow_runs" ("workflow_id")
  WHERE "admitted_at" IS NULL AND "phase" IN ('PENDING', 'WAITING');
