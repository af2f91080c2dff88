-- Http output resources a stage pod's attempt sent through the API (Kubernetes executor): checked at its exit.
CREATE TABLE "resource_sends" (
    "run_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "resource_sends_pkey" PRIMARY KEY ("run_id","stage","attempt","name")
);
ALTER TABLE "resource_sends" ADD CONSTRAINT "resource_sends_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "workflow_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The GraphQL answer cache follows its changes.
SELECT cyclone_track_data_version('resource_sends', 'data');
