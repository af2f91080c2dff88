// The seeded administrator's documented default password is public knowledge: an API
// that anyone else can reach must not start with it, and on loopback the web is told
// (User.hasDefaultPassword) until it is changed.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../app.js';
import { graphqlAt } from '../testing/test-api.js';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.js';
import { loadConfig } from './config.js';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = 'admin@cyclone.test';
const DEFAULT_PASSWORD = 'cyclone-admin';
const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
const ME = '{ me { email hasDefaultPassword } }';

describe('the default administrator password', () => {
  let database: TestDatabase;
  const key = randomBytes(32).toString('base64');

  /** An API in this process on loopback, on the shared database; without a password, the default. */
  function start(adminPassword?: string): Promise<RunningApi> {
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url,
      CYCLONE_ADMIN_EMAIL: ADMIN,
      ...(adminPassword ? { CYCLONE_ADMIN_PASSWORD: adminPassword } : {}),
      CYCLONE_ENCRYPTION_KEY: key,
      CYCLONE_EXECUTOR: 'host',
      CYCLONE_QUERY_CACHE_MAX_AGE: '0',
      LOG_LEVEL: 'warn',
    });
    return startApi(config, pino({ level: 'silent' }));
  }

  async function login(url: string, password: string) {
    return graphqlAt(url)<{ login: { token: string } }>(LOGIN, { input: { email: ADMIN, password } });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('refuses to start on 0.0.0.0 with the default password, in one sentence naming CYCLONE_ADMIN_PASSWORD', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: apiDir,
      env: {
        PATH: process.env.PATH,
        HOST: '0.0.0.0',
        PORT: '0',
        DATABASE_URL: database.url,
        CYCLONE_ADMIN_EMAIL: ADMIN,
        CYCLONE_ENCRYPTION_KEY: key,
        CYCLONE_EXECUTOR: 'host',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^cyclone api cannot start: The administrator admin@cyclone\.test still has the default password/,
    );
    expect(lines[0]).toContain('HOST 0.0.0.0 is not a loopback address');
    expect(lines[0]).toContain('set CYCLONE_ADMIN_PASSWORD');
    expect(result.stdout).not.toContain('cyclone api ready');
  }, 90_000);

  it('starts on loopback with the default password, and tells the administrator until it is changed', async () => {
    const api = await start();
    try {
      const signedIn = await login(api.url, DEFAULT_PASSWORD);
      const token = signedIn.data?.login.token as string;
      const graphql = graphqlAt(api.url);
      expect((await graphql(ME, {}, token)).data).toEqual({ me: { email: ADMIN, hasDefaultPassword: true } });
      const reused = await graphql(
        'mutation($input: ChangePasswordInput!) { changePassword(input: $input) }',
        { input: { currentPassword: DEFAULT_PASSWORD, newPassword: DEFAULT_PASSWORD } },
        token,
      );
      expect(reused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // Put back to the default by the next test's start: prove the flag follows the stored hash.
    } finally {
      await api.stop();
    }
  }, 60_000);

  it('CYCLONE_ADMIN_PASSWORD replaces a still-default password at start; a changed one is never touched', async () => {
    const first = await start('operator-chosen-1');
    try {
      expect((await login(first.url, DEFAULT_PASSWORD)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const token = (await login(first.url, 'operator-chosen-1')).data?.login.token as string;
      expect((await graphqlAt(first.url)(ME, {}, token)).data).toEqual({
        me: { email: ADMIN, hasDefaultPassword: false },
      });
      const changed = await graphqlAt(first.url)(
        'mutation($input: ChangePasswordInput!) { changePassword(input: $input) }',
        { input: { currentPassword: 'operator-chosen-1', newPassword: 'changed-in-the-web-1' } },
        token,
      );
      expect(changed.errors).toBeUndefined();
    } finally {
      await first.stop();
    }
    const second = await start('operator-chosen-2');
    try {
      expect((await login(second.url, 'operator-chosen-2')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await login(second.url, 'changed-in-the-web-1')).errors).toBeUndefined();
    } finally {
      await second.stop();
    }
  }, 90_000);
});
