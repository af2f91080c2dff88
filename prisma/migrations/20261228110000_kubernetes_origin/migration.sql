-- Objects the GitOps intake created from a resource made in the cluster: deleting that
-- resource with kubectl deletes them in Cyclone; the others are put back by the mirror.
ALTER TABLE "resources" ADD COLUMN "created_in_kubernetes" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "stages" ADD COLUMN "created_in_kubernetes" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "workflows" ADD COLUMN "created_in_kubernetes" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "workflow_triggers" ADD COLUMN "created_in_kubernetes" BOOLEAN NOT NULL DEFAULT false;
