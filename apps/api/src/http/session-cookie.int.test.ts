// The web's session cookie: httpOnly and SameSite=Strict, honoured only on same-origin
// requests (HTTP and WebSocket), cleared by logout; a cross-site page can neither send
// it nor ride on it.
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApi, TEST_ADMIN, type TestApi } from '../testing/test-api.js';

const { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } = TEST_ADMIN;

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
const ME = '{ me { email } }';

describe('the web session cookie', () => {
  let api: TestApi;
  let origin: string;

  beforeAll(async () => {
    api = await startTestApi();
    origin = new URL(api.url).origin;
  }, 120_000);
  afterAll(() => api?.stop());

  async function post(query: string, headers: Record<string, string>, variables = {}) {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { response, body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
  }

  async function signInWithCookie(): Promise<{ cookie: string; setCookie: string }> {
    const { response, body } = await post(
      LOGIN,
      { origin },
      {
        input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, useCookie: true },
      },
    );
    expect(body.errors).toBeUndefined();
    const setCookie = response.headers.get('set-cookie') ?? '';
    return { cookie: setCookie.split(';')[0] as string, setCookie };
  }

  it('login sets an httpOnly, SameSite=Strict cookie only when asked', async () => {
    const { setCookie, cookie } = await signInWithCookie();
    expect(cookie).toMatch(/^cyclone_session=cyc_s_/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//i);
    expect(setCookie).toMatch(/; Expires=/i);
    // Served over http here (CYCLONE_PUBLIC_URL is http): not Secure.
    expect(setCookie).not.toMatch(/; Secure/i);
    const { response } = await post(LOGIN, {}, { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('the cookie signs in same-origin requests and no cross-site one', async () => {
    const { cookie } = await signInWithCookie();
    const sameOrigin = await post(ME, { cookie, origin, 'sec-fetch-site': 'same-origin' });
    expect(sameOrigin.body.data).toEqual({ me: { email: ADMIN_EMAIL } });
    const noOrigin = await post(ME, { cookie });
    expect(noOrigin.body.data).toEqual({ me: { email: ADMIN_EMAIL } });

    const crossSite: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of crossSite) {
      const refused = await post(ME, { cookie, ...headers });
      expect(refused.body.data, JSON.stringify(headers)).toEqual({ me: null });
    }
    // A form another site could post ("simple" content type) is refused by CSRF prevention.
    const form = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie },
      body: JSON.stringify({ query: 'mutation { logout }' }),
    });
    expect(form.status).toBe(400);
    expect((await post(ME, { cookie })).body.data).toEqual({ me: { email: ADMIN_EMAIL } });
  });

  it('a WebSocket upgrade carries the cookie: same-origin streams, cross-origin is refused', async () => {
    const { cookie } = await signInWithCookie();
    const heartbeat = (headers: Record<string, string>) => {
      const client = createClient({
        url: `${api.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers });
          }
        },
        retryAttempts: 0,
        lazy: true,
      });
      return new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: 'subscription { heartbeat(intervalSeconds: 1) }' },
          {
            next: (value) => {
              resolve(value);
              void client.dispose();
            },
            error: (error) => {
              resolve(error);
              void client.dispose();
            },
            complete: () => undefined,
          },
        );
      });
    };
    expect(JSON.stringify(await heartbeat({ cookie, origin }))).toContain('"heartbeat"');
    expect(JSON.stringify(await heartbeat({ cookie, origin: 'https://evil.example' }))).toContain('UNAUTHENTICATED');
  });

  it('logout clears the cookie and its session is refused afterwards', async () => {
    const { cookie } = await signInWithCookie();
    const { response, body } = await post('mutation { logout }', { cookie, origin });
    expect(body.data).toEqual({ logout: true });
    expect(response.headers.get('set-cookie')).toMatch(/^cyclone_session=; .*Expires=Thu, 01 Jan 1970/i);
    expect((await post(ME, { cookie })).body.data).toEqual({ me: null });
  });
});
