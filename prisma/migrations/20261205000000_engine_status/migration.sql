-- CreateTable
CREATE TABLE "engine_status" (
    "id" TEXT NOT NULL,
    "executor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "warning" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "engine_status_pkey" PRIMARY KEY ("id")
);

-- GraphQL reads it (engineStatus): query caches drop their answers when it changes.
SELECT cyclone_track_data_version('engine_status', 'data');
