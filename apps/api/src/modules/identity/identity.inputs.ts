import { z } from 'zod';

export const createUserSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ message: 'must be an email address' }).max(254, { message: 'must be at most 254 characters' })),
  password: z
    .string()
    .min(8, { message: 'must be at least 8 characters' })
    .max(1024, { message: 'must be at most 1024 characters' }),
  name: z.string().trim().max(200, { message: 'must be at most 200 characters' }).nullish(),
});

export const createApiTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(100, { message: 'must be at most 100 characters' }),
  expiresAt: z.date().nullish(),
});
