-- A run started by a WorkflowRun created with kubectl: that resource's name, so the
-- Kubernetes executor adopts it (owner of the run's pods) instead of making `<workflow>-<n>`.
ALTER TABLE "workflow_runs" ADD COLUMN "kube_object_name" TEXT;
