-- Single sign-on (OpenID Connect): a user is linked to the provider's subject on first
-- sign-in; a tenant maps provider groups to its roles; memberships granted through such
-- a mapping are marked, so that the next sign-in can change or remove them (memberships
-- added by hand are never touched by a sign-in).
CREATE TABLE "user_identities" (
  "issuer" TEXT NOT NULL,
  "subject" TEXT NOT NULL,
  "user_id" UUID NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "last_sign_in_at" TIMESTAMPTZ(3),
  CONSTRAINT "user_identities_pkey" PRIMARY KEY ("issuer", "subject"),
  CONSTRAINT "user_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "user_identities_user_id_idx" ON "user_identities"("user_id");

CREATE TABLE "tenant_sso_group_roles" (
  "tenant_id" UUID NOT NULL,
  "group" TEXT NOT NULL,
  "role" "TenantRole" NOT NULL,
  CONSTRAINT "tenant_sso_group_roles_pkey" PRIMARY KEY ("tenant_id", "group"),
  CONSTRAINT "tenant_sso_group_roles_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "tenant_sso_group_roles_group_idx" ON "tenant_sso_group_roles"("group");

ALTER TABLE "memberships" ADD COLUMN "granted_by_sso" BOOLEAN NOT NULL DEFAULT false;

-- A sign-in also creates a session, which bumps the auth generation anyway.
SELECT cyclone_track_data_version('user_identities', 'auth');
SELECT cyclone_track_data_version('tenant_sso_group_roles', 'data');
