-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('MANUAL', 'CRON', 'SCM', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "WebhookOutcome" AS ENUM ('ACCEPTED', 'IGNORED', 'REJECTED', 'FAILED');

-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN     "trigger" "RunTrigger" NOT NULL DEFAULT 'MANUAL',
ADD COLUMN     "trigger_id" UUID;

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "integration_id" UUID,
    "trigger_id" UUID,
    "delivery_id" TEXT,
    "event" TEXT NOT NULL DEFAULT '',
    "outcome" "WebhookOutcome" NOT NULL,
    "status_code" INTEGER NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "run_ids" UUID[],
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repository_webhooks" (
    "id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "repo" TEXT NOT NULL,
    "hook_id" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scm_run_statuses" (
    "run_id" UUID NOT NULL,
    "integration_id" UUID NOT NULL,
    "repo" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "ref" TEXT NOT NULL DEFAULT '',
    "pull_request" INTEGER,
    "pending_posted_at" TIMESTAMPTZ(3),
    "final_state" TEXT,
    "final_posted_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT NOT NULL DEFAULT '',
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scm_run_statuses_pkey" PRIMARY KEY ("run_id")
);

-- CreateIndex
CREATE INDEX "webhook_deliveries_integration_id_received_at_idx" ON "webhook_deliveries"("integration_id", "received_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_integration_id_delivery_id_key" ON "webhook_deliveries"("integration_id", "delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_trigger_id_delivery_id_key" ON "webhook_deliveries"("trigger_id", "delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "repository_webhooks_integration_id_repo_key" ON "repository_webhooks"("integration_id", "repo");

-- CreateIndex
CREATE INDEX "scm_run_statuses_final_posted_at_next_attempt_at_idx" ON "scm_run_statuses"("final_posted_at", "next_attempt_at");

-- CreateIndex
CREATE INDEX "scm_run_statuses_integration_id_repo_pull_request_idx" ON "scm_run_statuses"("integration_id", "repo", "pull_request");

-- CreateIndex
CREATE INDEX "workflow_runs_trigger_id_idx" ON "workflow_runs"("trigger_id");

-- AddForeignKey
ALTER TABLE "workflow_runs" ADD CONSTRAINT "workflow_runs_trigger_id_fkey" FOREIGN KEY ("trigger_id") REFERENCES "workflow_triggers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_trigger_id_fkey" FOREIGN KEY ("trigger_id") REFERENCES "workflow_triggers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "repository_webhooks" ADD CONSTRAINT "repository_webhooks_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scm_run_statuses" ADD CONSTRAINT "scm_run_statuses_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scm_run_statuses" ADD CONSTRAINT "scm_run_statuses_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
