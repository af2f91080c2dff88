import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPrismaClient, type Db } from '../../db/prisma.js';
import { startTestApi, TEST_ADMIN, type TestApi } from '../../testing/test-api.js';

const CREATE = `mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { token apiToken { id name createdAt lastUsedAt expiresAt } }
}`;
const REVOKE = 'mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }';
const LIST = '{ apiTokens { id name lastUsedAt } }';

interface Created {
  createApiToken: { token: string; apiToken: { id: string; name: string; lastUsedAt: string | null } };
}

function dataOf<T>(result: { data?: T; errors?: unknown }): T {
  if (!result.data) throw new Error(`no data: ${JSON.stringify(result.errors)}`);
  return result.data;
}

function wsClient(api: TestApi, token: string): Client {
  return createClient({
    url: `${api.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

function queryOverWs(client: Client, query: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let result: unknown;
    client.subscribe({ query }, { next: (value) => (result = value), error: reject, complete: () => resolve(result) });
  });
}

describe('API tokens', () => {
  let api: TestApi;
  let session: string;
  let db: Db;
  beforeAll(async () => {
    api = await startTestApi();
    session = await api.loginAsAdmin();
    db = createPrismaClient(api.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await api.stop();
  });

  it('works on HTTP and graphql-ws until revoked, then is refused', async () => {
    const created = await api.graphql<Created>(CREATE, { input: { name: 'ci' } }, session);
    expect(created.errors).toBeUndefined();
    const { token, apiToken } = dataOf(created).createApiToken;
    expect(token).toMatch(/^cyc_a_/);
    expect(apiToken).toMatchObject({ name: 'ci', lastUsedAt: null, expiresAt: null });

    // Stored only as its hash.
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(row.tokenHash).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token);

    const me = await api.graphql('{ me { email } }', {}, token);
    expect(me.data).toEqual({ me: { email: TEST_ADMIN.email } });
    const client = wsClient(api, token);
    expect(await queryOverWs(client, '{ me { email } }')).toEqual({ data: { me: { email: TEST_ADMIN.email } } });
    await client.dispose();

    const listed = await api.graphql<{ apiTokens: { id: string; lastUsedAt: string | null }[] }>(LIST, {}, session);
    expect(listed.data?.apiTokens).toEqual([{ id: apiToken.id, name: 'ci', lastUsedAt: expect.any(String) }]);

    const revoked = await api.graphql<{ revokeApiToken: { revokedAt: string } }>(REVOKE, { id: apiToken.id }, session);
    expect(revoked.data?.revokeApiToken.revokedAt).toEqual(expect.any(String));

    const refused = await api.graphql('{ me { email } }', {}, token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).toContain('"ci" was revoked');
    const wsRefused = await queryOverWs(wsClient(api, token), '{ me { email } }').catch((error) => error);
    expect((wsRefused as { code?: number }).code).toBe(4403);
    expect((await api.graphql(LIST, {}, session)).data).toEqual({ apiTokens: [] });
  });

  it('touches lastUsedAt at most once a minute', async () => {
    const created = await api.graphql<Created>(CREATE, { input: { name: 'touch' } }, session);
    const { token, apiToken } = dataOf(created).createApiToken;
    await api.graphql('{ me { email } }', {}, token);
    const first = (await db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await api.graphql('{ me { email } }', {}, token);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt).toEqual(first);
  });

  it('stops working once expired', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await api.graphql<Created>(CREATE, { input: { name: 'short', expiresAt } }, session);
    const { token } = dataOf(created).createApiToken;
    expect((await api.graphql('{ me { email } }', {}, token)).data).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const refused = await api.graphql('{ me { email } }', {}, token);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).toContain('"short" expired at');
  });

  it('refuses a past expiry, an empty name and a duplicate name', async () => {
    const past = await api.graphql(CREATE, { input: { name: 'old', expiresAt: '2001-01-01T00:00:00Z' } }, session);
    expect(past.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.expiresAt' } });
    const empty = await api.graphql(CREATE, { input: { name: '  ' } }, session);
    expect(empty.errors?.[0]?.message).toMatch(/^input\.name: /);
    await api.graphql(CREATE, { input: { name: 'dup' } }, session);
    const duplicate = await api.graphql(CREATE, { input: { name: 'dup' } }, session);
    expect(duplicate.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it("cannot revoke someone else's token or a made-up id, and needs a signed-in user", async () => {
    const unknown = await api.graphql(REVOKE, { id: '00000000-0000-0000-0000-000000000000' }, session);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const garbage = await api.graphql(REVOKE, { id: 'not-a-uuid' }, session);
    expect(garbage.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const anonymous = await api.graphql(CREATE, { input: { name: 'x' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
