-- The original's Http resource type, and resources of a type the tenant registered.
ALTER TYPE "ResourceType" ADD VALUE 'HTTP';
ALTER TYPE "ResourceType" ADD VALUE 'REGISTERED';

-- Resource types a tenant registers (a Resource labelled resource.cyclone.dev/template: "true").
CREATE TABLE "resource_types" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "resolver" TEXT NOT NULL,
    "operations" TEXT[],
    "parameters" JSONB NOT NULL DEFAULT '[]',
    "bind" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "resource_types_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "resource_types_tenant_id_type_key" ON "resource_types"("tenant_id", "type");
CREATE UNIQUE INDEX "resource_types_tenant_id_name_key" ON "resource_types"("tenant_id", "name");
ALTER TABLE "resource_types" ADD CONSTRAINT "resource_types_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "resources" ADD COLUMN "registered_type_id" UUID;
ALTER TABLE "resources" ADD CONSTRAINT "resources_registered_type_id_fkey" FOREIGN KEY ("registered_type_id") REFERENCES "resource_types"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The GraphQL answer cache follows its changes.
SELECT cyclone_track_data_version('resource_types', 'data');
