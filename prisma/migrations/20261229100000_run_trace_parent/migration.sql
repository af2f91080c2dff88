-- The W3C traceparent of the span that created the run (runWorkflow, a webhook delivery),
-- when tracing is on: the controller's spans of the run are its children (docs/operations.md, "Tracing").
ALTER TABLE "workflow_runs" ADD COLUMN "trace_parent" TEXT;
