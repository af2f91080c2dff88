import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../testing/test-api.js';

function wsClient(api: TestApi, authorization?: string): Client {
  return createClient({
    url: `${api.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Takes the first `count` results of a subscription, or the error it ends with. */
function take(client: Client, query: string, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const results: unknown[] = [];
    const dispose = client.subscribe(
      { query },
      {
        next: (value) => {
          results.push(value);
          if (results.length === count) {
            dispose();
            resolve(results);
          }
        },
        error: reject,
        complete: () => resolve(results),
      },
    );
  });
}

describe('GraphQL subscriptions over graphql-ws', () => {
  let api: TestApi;
  let token: string;
  beforeAll(async () => {
    api = await startTestApi();
    token = await api.loginAsAdmin();
  });
  afterAll(() => api.stop());

  it('streams to an authenticated connection', async () => {
    const client = wsClient(api, `Bearer ${token}`);
    const [first] = (await take(client, 'subscription { heartbeat(intervalSeconds: 1) }', 1)) as {
      data: { heartbeat: string };
    }[];
    expect(Date.now() - Date.parse(first?.data.heartbeat ?? '')).toBeLessThan(60_000);
    await client.dispose();
  });

  it('refuses the operation without a token', async () => {
    const client = wsClient(api);
    const results = await take(client, 'subscription { heartbeat }', 1).catch((errors) => errors);
    expect(JSON.stringify(results)).toContain('UNAUTHENTICATED');
    await client.dispose();
  });

  it('closes the connection for an invalid token', async () => {
    const client = wsClient(api, 'Bearer cyc_s_forged');
    const error = await take(client, 'subscription { heartbeat }', 1).catch((e) => e);
    expect((error as { code?: number }).code).toBe(4403);
    await client.dispose();
  });
});
