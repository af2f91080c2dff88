import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, { message: 'must be a duration like 30s, 15m, 12h or 7d' });

/**
 * Every environment variable the API reads, with its default. README.md's
 * configuration reference lists the same names; keep the two in step.
 */
export const envSchema = z.object({
  // server
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(4000),
  CYCLONE_ROLE: z.enum(['all', 'server', 'controller']).default('all'),
  CYCLONE_SHUTDOWN_GRACE: duration.default('10s'),
  // database
  DATABASE_URL: z
    .string()
    .url()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  CYCLONE_DATA_DIR: z.string().min(1).default('.cyclone'),
  CYCLONE_EMBEDDED_PG_PORT: port.default(0),
  CYCLONE_MIGRATIONS_DIR: z.string().min(1).optional(),
  // identity
  CYCLONE_ADMIN_EMAIL: z.string().email().default('admin@cyclone.local'),
  CYCLONE_ADMIN_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).default('cyclone-admin'),
  CYCLONE_SESSION_TTL: duration.default('7d'),
  // observability
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;
