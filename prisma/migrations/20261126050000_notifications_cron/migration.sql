-- CreateEnum
CREATE TYPE "NotificationPolicy" AS ENUM ('ALWAYS', 'SUCCESS', 'FAILURE');

-- CreateEnum
CREATE TYPE "NotificationOutcome" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN     "notified_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "workflow_notifications" (
    "workflow_id" UUID NOT NULL,
    "policy" "NotificationPolicy" NOT NULL,
    "receivers" JSONB NOT NULL DEFAULT '[]',
    "secret_ciphertext" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workflow_notifications_pkey" PRIMARY KEY ("workflow_id")
);

-- CreateTable
CREATE TABLE "run_notifications" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "receiver" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" "NotificationOutcome" NOT NULL DEFAULT 'PENDING',
    "status_code" INTEGER,
    "error" TEXT NOT NULL DEFAULT '',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "run_notifications_outcome_next_attempt_at_idx" ON "run_notifications"("outcome", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "run_notifications_run_id_receiver_key" ON "run_notifications"("run_id", "receiver");

-- AddForeignKey
ALTER TABLE "workflow_notifications" ADD CONSTRAINT "workflow_notifications_workflow_id_fkey" FOREIGN KEY ("workflow_id") REFERENCES "workflows"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_notifications" ADD CONSTRAINT "run_notifications_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
