-- Untrusted pipelines: a run from a fork's pull request, or from an author who is not a
-- member, waits (not admitted, no stage started, no secret opened) until a DEVELOPER
-- of the tenant approves it. approval_reason says why it needs approval (null: it
-- needs none); approved_at / approved_by_id record the approval.
ALTER TABLE "workflow_runs" ADD COLUMN "approval_reason" TEXT;
ALTER TABLE "workflow_runs" ADD COLUMN "approved_at" TIMESTAMPTZ(3);
ALTER TABLE "workflow_runs" ADD COLUMN "approved_by_id" UUID;
