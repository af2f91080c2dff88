-- CreateEnum
CREATE TYPE "SyncPhase" AS ENUM ('PENDING', 'SYNCED', 'ERROR');

-- CreateTable
CREATE TABLE "sync_states" (
    "object_type" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "tenant_id" UUID,
    "phase" "SyncPhase" NOT NULL DEFAULT 'PENDING',
    "generation" INTEGER,
    "source_updated_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sync_states_pkey" PRIMARY KEY ("object_type","object_id")
);

-- CreateIndex
CREATE INDEX "sync_states_tenant_id_idx" ON "sync_states"("tenant_id");
