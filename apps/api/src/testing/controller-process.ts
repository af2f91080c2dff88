import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { type RunningApi, startApi } from '../app.js';
import { loadConfig } from '../config/config.js';
import { TEST_ADMIN } from './test-api.js';

/**
 * Starts an API in the controller role on a test API's database, in this process:
 * the tests that split serving from running (several controllers, a controller that
 * stops mid-run) start and stop these themselves.
 */
export function startControllerApi(
  databaseUrl: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RunningApi> {
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    CYCLONE_ROLE: 'controller',
    CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
    CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
    CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    CYCLONE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    CYCLONE_EXECUTOR: 'host',
    ...env,
  });
  return startApi(config, pino({ level: 'warn' }));
}
