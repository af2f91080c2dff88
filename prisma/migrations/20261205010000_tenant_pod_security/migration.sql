-- Pod Security Admission level of a tenant's namespace: restricted unless a platform
-- admin grants baseline.
CREATE TYPE "PodSecurityLevel" AS ENUM ('RESTRICTED', 'BASELINE');
ALTER TABLE "tenants" ADD COLUMN "pod_security" "PodSecurityLevel" NOT NULL DEFAULT 'RESTRICTED';
