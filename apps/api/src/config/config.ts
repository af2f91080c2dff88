import { isAbsolute, join, resolve } from 'node:path';
import { parseDuration } from './duration.js';
import { type Env, envSchema } from './env-schema.js';

export type Role = Env['CYCLONE_ROLE'];

export interface Config {
  server: {
    host: string;
    port: number;
    role: Role;
    shutdownGraceMs: number;
    /** Proxies in front of the API whose X-Forwarded-For entries are believed (0: none). */
    trustProxyHops: number;
  };
  database: {
    /** External Postgres; when absent the API starts an embedded one under dataDir. */
    url: string | undefined;
    dataDir: string;
    embeddedPort: number;
    migrationsDir: string | undefined;
  };
  identity: {
    adminEmail: string;
    adminPassword: string;
    isDefaultAdminPassword: boolean;
    sessionTtlMs: number;
    /** Failed sign-ins allowed per account and per client IP within one window. */
    loginThrottle: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowMs: number };
  };
  secrets: {
    /** From CYCLONE_ENCRYPTION_KEY; when absent a key file under the data dir is used. */
    encryptionKey: Buffer | undefined;
    keyFile: string;
  };
  logging: { level: Env['LOG_LEVEL'] };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once at boot. The only place that reads process.env. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = parsed.data;
  return {
    server: {
      host: env.HOST,
      port: env.PORT,
      role: env.CYCLONE_ROLE,
      shutdownGraceMs: parseDuration(env.CYCLONE_SHUTDOWN_GRACE),
      trustProxyHops: env.CYCLONE_TRUST_PROXY,
    },
    database: {
      url: env.DATABASE_URL,
      dataDir: isAbsolute(env.CYCLONE_DATA_DIR) ? env.CYCLONE_DATA_DIR : resolve(env.CYCLONE_DATA_DIR),
      embeddedPort: env.CYCLONE_EMBEDDED_PG_PORT,
      migrationsDir: env.CYCLONE_MIGRATIONS_DIR,
    },
    identity: {
      adminEmail: env.CYCLONE_ADMIN_EMAIL,
      adminPassword: env.CYCLONE_ADMIN_PASSWORD,
      isDefaultAdminPassword: source.CYCLONE_ADMIN_PASSWORD === undefined || source.CYCLONE_ADMIN_PASSWORD === '',
      sessionTtlMs: parseDuration(env.CYCLONE_SESSION_TTL),
      loginThrottle: {
        maxFailuresPerAccount: env.CYCLONE_LOGIN_MAX_FAILURES_PER_ACCOUNT,
        maxFailuresPerIp: env.CYCLONE_LOGIN_MAX_FAILURES_PER_IP,
        windowMs: parseDuration(env.CYCLONE_LOGIN_FAILURE_WINDOW),
      },
    },
    secrets: {
      encryptionKey: env.CYCLONE_ENCRYPTION_KEY ? Buffer.from(env.CYCLONE_ENCRYPTION_KEY, 'base64') : undefined,
      keyFile: join(
        isAbsolute(env.CYCLONE_DATA_DIR) ? env.CYCLONE_DATA_DIR : resolve(env.CYCLONE_DATA_DIR),
        'encryption.key',
      ),
    },
    logging: { level: env.LOG_LEVEL },
  };
}
