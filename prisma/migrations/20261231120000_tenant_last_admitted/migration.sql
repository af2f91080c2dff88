-- When the admission pass last admitted a run of the tenant: its fairness between
-- tenants (the one admitted longest ago goes first) read it from the runs' history,
-- a scan of every admitted run of every queued tenant on each pass.
ALTER TABLE "tenants" ADD COLUMN "last_admitted_at" TIMESTAMPTZ(3);

UPDATE "tenants" t SET "last_admitted_at" = a.at
FROM (
  SELECT p."tenant_id", max(r."admitted_at") AS at
  FROM "workflow_runs" r JOIN "workflows" w ON w."id" = r."workflow_id" JOIN "projects" p ON p."id" = w."project_id"
  WHERE r."admitted_at" IS NOT NULL
  GROUP BY p."tenant_id"
) a
WHERE a."tenant_id" = t."id";
