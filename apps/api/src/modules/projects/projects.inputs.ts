import { dnsLabelSchema } from '@cyclone/domain';
import { z } from 'zod';

const descriptionSchema = z.string().max(1000, { message: 'must be at most 1000 characters' });

export const createProjectSchema = z.object({
  tenant: z.string(),
  name: dnsLabelSchema,
  description: descriptionSchema.nullish(),
});

export const updateProjectSchema = z.object({
  tenant: z.string(),
  name: z.string(),
  description: descriptionSchema.nullish(),
});
