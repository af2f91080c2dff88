import type { SecretBox } from '../integrations/secret-box.js';

/**
 * The key a tenant's delegation requests are signed with (X-Cyclone-Signature-256):
 * derived from the encryption key and the tenant, so nothing more is stored; its
 * ADMINs read it with `delegationSigningKey(tenant)`. Changing the encryption key
 * changes it.
 */
export function delegationSigningKey(box: SecretBox, tenantId: string): string {
  return box.deriveKey(`cyclone-delegation-signing:${tenantId}`);
}
