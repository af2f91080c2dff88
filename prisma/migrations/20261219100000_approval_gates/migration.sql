-- Approval gates: a stage that waits for members' decisions.
ALTER TYPE "StagePhase" ADD VALUE 'WAITING' AFTER 'RUNNING';

CREATE TYPE "ApprovalDecisionKind" AS ENUM ('APPROVE', 'REJECT');

CREATE TABLE "stage_approvals" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "user_id" UUID NOT NULL,
    "user_email" TEXT NOT NULL,
    "decision" "ApprovalDecisionKind" NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "inputs" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stage_approvals_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "stage_approvals_run_id_stage_attempt_user_id_key" ON "stage_approvals"("run_id", "stage", "attempt", "user_id");

ALTER TABLE "stage_approvals" ADD CONSTRAINT "stage_approvals_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Cached GraphQL answers (StageRun.approval) change with every decision.
SELECT cyclone_track_data_version('stage_approvals', 'data');
