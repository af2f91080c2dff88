-- The original's WorkflowRun spec.serviceAccount: the service account its stage pods run as (Kubernetes only).
ALTER TABLE "workflow_runs" ADD COLUMN "service_account" TEXT;
-- The original's WorkflowRun spec.volumes: claims, Secrets and ConfigMaps its stage pods mount.
ALTER TABLE "workflow_runs" ADD COLUMN "volumes" JSONB NOT NULL DEFAULT '[]';
