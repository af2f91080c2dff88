import { describe, expect, it } from 'vitest';
import { cpuQuantitySchema, memoryQuantitySchema, tenantNameSchema } from './tenants.inputs.js';

describe('tenant input rules', () => {
  it('accepts Kubernetes CPU quantities and refuses others', () => {
    for (const ok of ['2', '0.5', '500m']) expect(cpuQuantitySchema.safeParse(ok).success).toBe(true);
    for (const bad of ['0', '0m', '2 cores', '500Mi', '-1', ''])
      expect(cpuQuantitySchema.safeParse(bad).success).toBe(false);
  });

  it('accepts Kubernetes memory quantities and refuses others', () => {
    for (const ok of ['4Gi', '512Mi', '1G', '1048576']) expect(memoryQuantitySchema.safeParse(ok).success).toBe(true);
    for (const bad of ['4GB', '0Gi', 'lots', '500m']) expect(memoryQuantitySchema.safeParse(bad).success).toBe(false);
  });

  it('keeps tenant names short enough for the cyclone-<name> namespace', () => {
    expect(tenantNameSchema.safeParse('a'.repeat(55)).success).toBe(true);
    expect(tenantNameSchema.safeParse('a'.repeat(56)).success).toBe(false);
    expect(tenantNameSchema.safeParse('Team_A').success).toBe(false);
  });
});
