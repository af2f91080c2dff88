import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startApi } from '../app.js';
import { loadConfig } from '../config/config.js';
import type { Resolver } from '../modules/outbound/outbound-policy.js';
import { createTestDatabase } from './test-database.js';

export interface TestApi {
  url: string;
  databaseUrl: string;
  /** POSTs a GraphQL operation; returns the parsed body and the HTTP status. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>;
  loginAsAdmin(): Promise<string>;
  stop(): Promise<void>;
}

/** GraphQL over HTTP against the API at `url` (one started here, or a spawned process). */
export function graphqlAt(url: string): TestApi['graphql'] {
  return async (query, variables, token) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };
}

export const TEST_ADMIN = { email: 'admin@cyclone.test', password: 'test-admin-password' };

/** Signs in as the test administrator through any API (an in-process one, or a spawned process's). */
export async function loginAsAdmin(graphql: TestApi['graphql']): Promise<string> {
  const result = await graphql<{ login: { token: string } }>(
    'mutation($input: LoginInput!) { login(input: $input) { token } }',
    { input: TEST_ADMIN },
  );
  if (!result.data) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.token;
}

/** A whole API (role all) on a fresh database and a free port, in this process. */
export async function startTestApi(
  env: Record<string, string> = {},
  options: { /** Name resolution of outbound calls: point names at addresses. */ resolve?: Resolver } = {},
): Promise<TestApi> {
  const database = await createTestDatabase();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.url,
    CYCLONE_ADMIN_EMAIL: TEST_ADMIN.email,
    CYCLONE_ADMIN_PASSWORD: TEST_ADMIN.password,
    LOG_LEVEL: 'warn',
    CYCLONE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Off unless a test turns it on (query-cache.int.test.ts): tests that write with
    // Prisma or SQL and read at once would race the change notification (milliseconds).
    CYCLONE_QUERY_CACHE_MAX_AGE: '0',
    // Host processes unless a test asks for containers: a machine's own Docker must not change what runs.
    CYCLONE_EXECUTOR: 'host',
    // Tests stand up their SCM, registry and notification servers on 127.0.0.1; every
    // other loopback address (127.0.0.2 …) and private range stays refused.
    CYCLONE_OUTBOUND_ALLOW: '127.0.0.1/32',
    // Git fixtures are bare repositories in temporary folders (file://).
    CYCLONE_ALLOW_LOCAL_REPOSITORIES: 'true',
    ...env,
  });
  const api = await startApi(config, pino({ level: 'warn' }), options);
  const graphql = graphqlAt(api.url);
  return {
    url: api.url,
    databaseUrl: database.url,
    graphql,
    loginAsAdmin: () => loginAsAdmin(graphql),
    stop: async () => {
      await api.stop();
      await database.drop();
    },
  };
}
