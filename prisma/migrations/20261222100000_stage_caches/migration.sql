-- Stage caches: per-tenant entries restored before a stage and saved after it.
CREATE TABLE "stage_caches" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "project_id" UUID,
    "key" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "saved_by" TEXT NOT NULL DEFAULT '',
    "run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stage_caches_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "stage_caches_tenant_id_key_key" ON "stage_caches"("tenant_id", "key");
CREATE INDEX "stage_caches_tenant_id_last_used_at_idx" ON "stage_caches"("tenant_id", "last_used_at");

ALTER TABLE "stage_caches" ADD CONSTRAINT "stage_caches_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "stage_caches" ADD CONSTRAINT "stage_caches_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The caches query is answered from the GraphQL cache until a save, restore or delete.
SELECT cyclone_track_data_version('stage_caches', 'data');
