import { dnsLabelSchema } from '@cyclone/domain';
import { z } from 'zod';

// The tenant's namespace is `cyclone-<name>`, itself a DNS label of at most 63 characters.
export const TENANT_NAME_MAX_LENGTH = 63 - 'cyclone-'.length;

export const tenantNameSchema = dnsLabelSchema.max(TENANT_NAME_MAX_LENGTH, {
  message: `must be at most ${TENANT_NAME_MAX_LENGTH} characters (the namespace is "cyclone-<name>")`,
});

const descriptionSchema = z.string().max(1000, { message: 'must be at most 1000 characters' });

/** Kubernetes CPU quantity: cores ("2", "0.5") or millicores ("500m"), above zero. */
export const cpuQuantitySchema = z
  .string()
  .regex(/^(\d+(\.\d+)?|\d+m)$/, { message: 'must be a CPU quantity such as "2", "0.5" or "500m"' })
  .refine((v) => Number.parseFloat(v) > 0, { message: 'must be more than zero' });

/** Kubernetes memory quantity: bytes with an optional binary or decimal suffix, above zero. */
export const memoryQuantitySchema = z
  .string()
  .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, {
    message: 'must be a memory quantity such as "512Mi", "4Gi" or "1G"',
  })
  .refine((v) => Number.parseFloat(v) > 0, { message: 'must be more than zero' });

/** Omitted fields stay as they are; null removes that limit. */
export const quotaSchema = z.object({
  cpu: cpuQuantitySchema.nullish(),
  memory: memoryQuantitySchema.nullish(),
  maxConcurrentRuns: z
    .number()
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(10_000, { message: 'must be at most 10000' })
    .nullish(),
  /** Pod Security Admission level of the tenant's namespace; null or omitted keeps it. */
  podSecurity: z.enum(['RESTRICTED', 'BASELINE']).nullish(),
});

export const createTenantSchema = z.object({
  name: tenantNameSchema,
  description: descriptionSchema.nullish(),
  quota: quotaSchema.nullish(),
});

export const updateTenantSchema = z.object({
  name: z.string(),
  description: descriptionSchema.nullish(),
  quota: quotaSchema.nullish(),
});

export const tenantRoleSchema = z.enum(['OWNER', 'ADMIN', 'DEVELOPER', 'VIEWER']);

export const memberSchema = z.object({
  tenant: z.string(),
  email: z.string().trim().toLowerCase(),
  role: tenantRoleSchema,
});

export type QuotaInput = z.infer<typeof quotaSchema>;

const MAX_GROUPS = 100;

/** A tenant's whole SSO group mapping (setTenantSsoGroupRoles). */
export const setSsoGroupRolesSchema = z.object({
  tenant: z.string(),
  groupRoles: z
    .array(
      z.object({
        group: z
          .string()
          .trim()
          .min(1, { message: 'must not be empty' })
          .max(256, { message: 'must be at most 256 characters' }),
        role: tenantRoleSchema,
      }),
    )
    .max(MAX_GROUPS, { message: `at most ${MAX_GROUPS} groups per tenant` })
    .refine((list) => new Set(list.map((entry) => entry.group)).size === list.length, {
      message: 'names a group more than once',
    }),
});
