// Clients that try to exhaust the API: unbounded metric series from made-up
// operation names, huge WebSocket messages, endless subscriptions, sign-in floods.
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_CONCURRENT_HASHES, passwordHashing } from '../modules/identity/password.js';
import { startTestApi, type TestApi } from '../testing/test-api.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, MAX_SUBSCRIPTIONS_PER_USER } from './subscription-limits.js';

const wsUrl = (api: TestApi) => `${api.url.replace('http', 'ws')}/graphql`;

function wsClient(api: TestApi, token: string): Client {
  return createClient({
    url: wsUrl(api),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Subscribes and settles with the first result, or with the error the operation ends with. */
function first(client: Client, query: string): Promise<{ data?: unknown; errors?: unknown }> {
  return new Promise((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => resolve(value as { data?: unknown }),
        error: (errors) => resolve({ errors }),
        complete: () => {},
      },
    );
  });
}

describe('limits on what clients make the API keep', () => {
  let api: TestApi;
  let token: string;
  const clients: Client[] = [];
  beforeAll(async () => {
    // Many failed sign-ins from one address are part of the flood below.
    api = await startTestApi({ CYCLONE_LOGIN_MAX_FAILURES_PER_IP: '1000' });
    token = await api.loginAsAdmin();
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await api.stop();
  });

  it('labels metrics with schema names, never with the operation names clients make up', async () => {
    for (let i = 0; i < 20; i += 1) {
      await api.graphql(`query Made_Up_${i}_${Math.random().toString(36).slice(2)} { me { email } }`, {}, token);
    }
    await api.graphql('mutation Another_Made_Up { logout }', {}, 'not-a-token');
    await api.graphql('{ ...F } fragment F on Query { me { email } }', {}, token);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const operations = new Set(
      [...metrics.matchAll(/cyclone_graphql_operation_seconds_count\{operation="([^"]*)"/g)].map((m) => m[1]),
    );
    expect(metrics).not.toContain('Made_Up');
    expect(operations).toContain('me');
    expect(operations).toContain('other');
    expect(operations.size).toBeLessThanOrEqual(5);
  });

  it('closes a WebSocket that sends a message over 1 MiB', async () => {
    const socket = new WebSocket(wsUrl(api), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    const query = `subscription { heartbeat(intervalSeconds: 1) }${' '.repeat(2 * 1024 * 1024)}`;
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    expect(await closed).toBe(1009);
  });

  it('caps the subscriptions of one connection and of one user, with a clear error', async () => {
    const heartbeat = 'subscription { heartbeat(intervalSeconds: 1) }';
    const one = wsClient(api, token);
    clients.push(one);
    const opened = await Promise.all(
      Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, () => first(one, heartbeat)),
    );
    expect(opened.every((result) => result.data)).toBe(true);
    const refused = await first(one, heartbeat);
    expect(JSON.stringify(refused.errors)).toContain('BAD_USER_INPUT');
    expect(JSON.stringify(refused.errors)).toContain(`at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION}`);

    // More connections of the same user share the user's cap.
    const perConnection = MAX_SUBSCRIPTIONS_PER_CONNECTION;
    let open = perConnection;
    while (open < MAX_SUBSCRIPTIONS_PER_USER) {
      const client = wsClient(api, token);
      clients.push(client);
      const count = Math.min(perConnection, MAX_SUBSCRIPTIONS_PER_USER - open);
      const results = await Promise.all(Array.from({ length: count }, () => first(client, heartbeat)));
      expect(results.every((result) => result.data)).toBe(true);
      open += count;
    }
    const extra = wsClient(api, token);
    clients.push(extra);
    const overUser = await first(extra, heartbeat);
    expect(JSON.stringify(overUser.errors)).toContain(`at most ${MAX_SUBSCRIPTIONS_PER_USER} over all connections`);
  }, 60_000);

  it('checks at most two passwords at once and refuses a sign-in flood beyond the queue', async () => {
    const flood = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.graphql('mutation($input: LoginInput!) { login(input: $input) { token } }', {
          input: { email: `flood-${i}@example.test`, password: 'wrong-password' },
        }),
      ),
    );
    const messages = flood.map((result) => result.errors?.[0]?.message ?? 'signed in');
    const busy = flood.filter((result) => result.errors?.[0]?.message.startsWith('sign-in is busy'));
    expect(busy.length, messages.join('\n')).toBeGreaterThan(0);
    expect(busy[0]?.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    const extensions = (busy[0]?.errors?.[0]?.extensions ?? {}) as { retryAt?: string };
    expect(Date.parse(extensions.retryAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    // Every other attempt got the ordinary answer: nothing hung or failed otherwise.
    expect(messages.filter((m) => !m.startsWith('sign-in is busy') && m !== 'email or password is wrong')).toEqual([]);
    expect(passwordHashing.peak).toBeLessThanOrEqual(MAX_CONCURRENT_HASHES);
    // The flood over, sign-in works again.
    expect(await api.loginAsAdmin()).toMatch(/\S/);
  }, 60_000);
});
