-- CreateEnum
CREATE TYPE "StagePhase" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "LogStream" AS ENUM ('STDOUT', 'STDERR');

-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN     "paused_at" TIMESTAMPTZ(3),
ADD COLUMN     "stop_requested_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "stage_runs" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "phase" "StagePhase" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "exit_code" INTEGER,
    "message" TEXT NOT NULL DEFAULT '',
    "outputs" JSONB NOT NULL DEFAULT '[]',
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "handle" TEXT,

    CONSTRAINT "stage_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_lines" (
    "run_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "seq" BIGINT NOT NULL,
    "stream" "LogStream" NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "log_lines_pkey" PRIMARY KEY ("run_id","stage","seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "stage_runs_run_id_stage_key" ON "stage_runs"("run_id", "stage");

-- AddForeignKey
ALTER TABLE "stage_runs" ADD CONSTRAINT "stage_runs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "log_lines" ADD CONSTRAINT "log_lines_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
