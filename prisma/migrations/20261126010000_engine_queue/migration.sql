-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN     "admitted_at" TIMESTAMPTZ(3),
ADD COLUMN     "retry_of_id" UUID;

-- AlterTable
ALTER TABLE "workflows" ADD COLUMN     "max_concurrent_runs" INTEGER,
ADD COLUMN     "run_retention" INTEGER;

-- Runs already running before this migration hold their slots.
UPDATE "workflow_runs" SET "admitted_at" = COALESCE("started_at", "created_at") WHERE "phase" IN ('RUNNING', 'WAITING');

-- CreateIndex
CREATE INDEX "workflow_runs_phase_admitted_at_idx" ON "workflow_runs"("phase", "admitted_at");
