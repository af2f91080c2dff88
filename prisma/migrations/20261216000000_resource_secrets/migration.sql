-- Secret resource parameters (SCM_AUTH, SCM_PWD, …) are sealed with the encryption key
-- like integration secrets; values stored in plain text before are sealed by the API at
-- start (apps/api/src/modules/resources/resource-secrets.ts), which needs the key.
ALTER TABLE "resources" ADD COLUMN "secret_ciphertext" TEXT;
