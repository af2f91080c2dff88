import { z } from 'zod';
import { DEFAULT_ADMIN_PASSWORD } from '../../config/env-schema.js';

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }).max(254, { message: 'must be at most 254 characters' }));

const passwordSchema = z
  .string()
  .min(8, { message: 'must be at least 8 characters' })
  .max(1024, { message: 'must be at most 1024 characters' })
  .refine((password) => password !== DEFAULT_ADMIN_PASSWORD, {
    message: 'must not be the documented default password; choose one of your own',
  });

export const createUserSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
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

export const changePasswordSchema = z.object({
  currentPassword: z.string().max(1024, { message: 'must be at most 1024 characters' }),
  newPassword: passwordSchema,
});

export const resetUserPasswordSchema = z.object({ email: emailSchema, newPassword: passwordSchema });
