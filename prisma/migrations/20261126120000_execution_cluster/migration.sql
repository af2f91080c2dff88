-- AlterTable
ALTER TABLE "workflows" ADD COLUMN     "execution_cluster" TEXT;

-- AlterTable
ALTER TABLE "workflow_runs" ADD COLUMN     "execution_cluster" TEXT;
