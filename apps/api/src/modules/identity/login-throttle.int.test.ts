import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../app.js';
import { loadConfig } from '../../config/config.js';
import { createPrismaClient } from '../../db/prisma.js';
import { startTestApi, TEST_ADMIN, type TestApi } from '../../testing/test-api.js';
import { createTestDatabase } from '../../testing/test-database.js';

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';

interface LoginResult {
  data?: { login: { token: string } };
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function login(url: string, email: string, password: string, forwardedFor?: string): Promise<LoginResult> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ query: LOGIN, variables: { input: { email, password } } }),
  });
  return (await response.json()) as LoginResult;
}

describe('login rate limiting per account', () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('refuses the 11th attempt even with the right password, on every replica and after a restart', async () => {
    const database = await createTestDatabase();
    stops.push(database.drop);
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: database.url,
      CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
      CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
    });
    const start = async (): Promise<RunningApi> => {
      const api = await startApi(config, pino({ level: 'silent' }));
      stops.push(api.stop);
      return api;
    };
    const first = await start();

    for (let attempt = 1; attempt <= 10; attempt++) {
      const result = await login(first.url, TEST_ADMIN.email, 'wrong-password');
      expect(result.errors?.[0]?.message).toBe('email or password is wrong');
    }
    const refused = await login(first.url, TEST_ADMIN.email.toUpperCase(), TEST_ADMIN.password);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).toMatch(
      /^too many failed sign-ins for this account; try again after \S+Z \(in 15 minutes\)$/,
    );
    const retryAt = Date.parse(String(refused.errors?.[0]?.extensions?.retryAt));
    expect(retryAt - Date.now()).toBeGreaterThan(14 * 60_000);

    // A second replica on the same database (or this one restarted) knows it too.
    const second = await start();
    const alsoRefused = await login(second.url, TEST_ADMIN.email, TEST_ADMIN.password);
    expect(alsoRefused.errors?.[0]?.message).toMatch(/^too many failed sign-ins for this account/);

    const db = createPrismaClient(database.url);
    const row = await db.loginThrottle.findUniqueOrThrow({ where: { key: `email:${TEST_ADMIN.email}` } });
    await db.$disconnect();
    expect(row.failures).toBe(10);
    expect(row.lockedUntil?.getTime()).toBe(retryAt);
  }, 60_000);
});

describe('login rate limiting per address', () => {
  let api: TestApi;
  afterAll(() => api.stop());

  it('counts failures per client address, believes X-Forwarded-For only from trusted proxies, and clears the account on success', async () => {
    api = await startTestApi({
      CYCLONE_LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      CYCLONE_LOGIN_MAX_FAILURES_PER_IP: '4',
      CYCLONE_TRUST_PROXY: '1',
    });
    // Success resets the account's counter: 2 + 2 failures never reach 3.
    for (const _ of [1, 2]) await login(api.url, TEST_ADMIN.email, 'wrong', '198.51.100.1');
    expect((await login(api.url, TEST_ADMIN.email, TEST_ADMIN.password, '198.51.100.1')).data).toBeDefined();
    for (const _ of [1, 2]) await login(api.url, TEST_ADMIN.email, 'wrong', '198.51.100.1');
    // That was the address's 4th failure: it is now locked for everyone behind it…
    const fromLocked = await login(api.url, TEST_ADMIN.email, TEST_ADMIN.password, '198.51.100.1');
    expect(fromLocked.errors?.[0]?.message).toMatch(/^too many failed sign-ins for your address; try again after/);
    // …however the client pads the header, since only the proxy's last entry counts…
    const forged = await login(api.url, TEST_ADMIN.email, TEST_ADMIN.password, '203.0.113.9, 198.51.100.1');
    expect(forged.errors?.[0]?.message).toMatch(/for your address/);
    // …while another address still signs in.
    expect((await login(api.url, TEST_ADMIN.email, TEST_ADMIN.password, '198.51.100.2')).data).toBeDefined();
  }, 60_000);
});
