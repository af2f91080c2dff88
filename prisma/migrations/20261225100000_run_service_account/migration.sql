-- The original's WorkflowRun spec.serviceAccount: the service account its stage pods run as (Kubernetes only).
ALTER TABLE "workflow_runs" ADD COLUMN "service_account" TEXT;
