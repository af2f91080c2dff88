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
  CYCLONE_LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  CYCLONE_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  CYCLONE_LOGIN_FAILURE_WINDOW: duration.default('15m'),
  /** How many proxies in front of the API to believe X-Forwarded-For from; 0 ignores it. */
  CYCLONE_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  // secrets
  /** Base64 of 32 random bytes: the AES-256-GCM key of integration secrets. */
  CYCLONE_ENCRYPTION_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be the base64 encoding of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
    })
    .optional(),
  // observability
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;
