-- AlterTable
ALTER TABLE "workflow_versions" ADD COLUMN     "source_repo" TEXT,
ADD COLUMN     "source_revision" TEXT;
