// Each test is shaped as the attack it stops: a token that was signed out, a session
// left behind after a password change, a disabled user's credentials, a live
// subscription that outlives its credential.
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../../testing/test-api.js';
import { createUserAndLogin } from '../../testing/users.js';
import { waitFor } from '../../testing/wait.js';

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token } }';
const ME = '{ me { email isDisabled hasDefaultPassword } }';
const LOGOUT = 'mutation { logout }';
const CHANGE_PASSWORD = 'mutation($input: ChangePasswordInput!) { changePassword(input: $input) }';
const SESSIONS = '{ sessions { id isCurrent userAgent clientIp createdAt expiresAt } }';
const REVOKE_SESSION = 'mutation($id: ID!) { revokeSession(id: $id) }';
const CREATE_TOKEN = 'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }';
const RESET = 'mutation($input: ResetUserPasswordInput!) { resetUserPassword(input: $input) { email isDisabled } }';
const DISABLE = 'mutation($email: String!) { disableUser(email: $email) { email isDisabled } }';
const ENABLE = 'mutation($email: String!) { enableUser(email: $email) { email isDisabled } }';

const passwordOf = (email: string) => `password-of-${email}`;

describe('credential lifecycle', () => {
  let api: TestApi;
  let admin: string;
  let userCount = 0;

  /** A fresh user and one signed-in session of theirs. */
  async function newUser(): Promise<{ email: string; token: string }> {
    const email = `user${++userCount}@lifecycle.test`;
    return { email, token: await createUserAndLogin(api, admin, email) };
  }

  async function login(email: string, password: string) {
    return api.graphql<{ login: { token: string } }>(LOGIN, { input: { email, password } });
  }

  async function signIn(email: string, password = passwordOf(email)): Promise<string> {
    const result = await login(email, password);
    if (!result.data) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
    return result.data.login.token;
  }

  const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await api.loginAsAdmin();
  }, 120_000);
  afterAll(() => api.stop());

  it('logout revokes the session at once: the same token is refused afterwards', async () => {
    const { email, token } = await newUser();
    expect((await api.graphql(ME, {}, token)).data).toMatchObject({ me: { email } });
    expect((await api.graphql(LOGOUT, {}, token)).data).toEqual({ logout: true });
    const replayed = await api.graphql(ME, {}, token);
    expect(codeOf(replayed)).toBe('UNAUTHENTICATED');
    expect(replayed.errors?.[0]?.message).toContain('sign in again');
    // Logging out twice is not possible either: the token no longer signs anything in.
    expect(codeOf(await api.graphql(LOGOUT, {}, token))).toBe('UNAUTHENTICATED');
  });

  it('logout with an API token revokes that token', async () => {
    const { token } = await newUser();
    const created = await api.graphql<{ createApiToken: { token: string } }>(
      CREATE_TOKEN,
      { input: { name: 'cli' } },
      token,
    );
    const apiToken = created.data?.createApiToken.token as string;
    expect((await api.graphql(LOGOUT, {}, apiToken)).data).toEqual({ logout: true });
    const refused = await api.graphql(ME, {}, apiToken);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0]?.message).toContain('was revoked');
    // The session the token was made with is not affected.
    expect((await api.graphql(ME, {}, token)).errors).toBeUndefined();
  });

  it('changePassword needs the current password and signs out every other session', async () => {
    const { email, token: current } = await newUser();
    const stolen = await signIn(email);
    const wrong = await api.graphql(
      CHANGE_PASSWORD,
      { input: { currentPassword: 'not-my-password', newPassword: 'a-new-password-1' } },
      current,
    );
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors?.[0]?.message).toBe('input.currentPassword: is not your current password');
    const weak = await api.graphql(
      CHANGE_PASSWORD,
      { input: { currentPassword: passwordOf(email), newPassword: 'short' } },
      current,
    );
    expect(weak.errors?.[0]?.message).toBe('input.newPassword: must be at least 8 characters');
    // Nothing changed so far: the other session still works.
    expect((await api.graphql(ME, {}, stolen)).errors).toBeUndefined();

    const changed = await api.graphql(
      CHANGE_PASSWORD,
      { input: { currentPassword: passwordOf(email), newPassword: 'a-new-password-1' } },
      current,
    );
    expect(changed.data).toEqual({ changePassword: true });
    expect(codeOf(await api.graphql(ME, {}, stolen))).toBe('UNAUTHENTICATED');
    expect((await api.graphql(ME, {}, current)).errors).toBeUndefined();
    expect(codeOf(await login(email, passwordOf(email)))).toBe('UNAUTHENTICATED');
    expect((await login(email, 'a-new-password-1')).errors).toBeUndefined();
  });

  it('lists your sessions, marks the current one, and revokes another at once; other users’ sessions are NOT_FOUND', async () => {
    const { email, token: laptop } = await newUser();
    const phone = await signIn(email);
    const listed = await api.graphql<{
      sessions: { id: string; isCurrent: boolean; userAgent: string; clientIp: string | null }[];
    }>(SESSIONS, {}, laptop);
    expect(listed.errors).toBeUndefined();
    const sessions = listed.data?.sessions ?? [];
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.isCurrent)).toHaveLength(1);
    expect(sessions[0]?.clientIp).toMatch(/127\.0\.0\.1/);
    const other = sessions.find((s) => !s.isCurrent) as { id: string };

    const intruder = await newUser();
    const foreign = await api.graphql(REVOKE_SESSION, { id: other.id }, intruder.token);
    expect(codeOf(foreign)).toBe('NOT_FOUND');
    expect((await api.graphql(ME, {}, phone)).errors).toBeUndefined();

    expect((await api.graphql(REVOKE_SESSION, { id: other.id }, laptop)).data).toEqual({ revokeSession: true });
    expect(codeOf(await api.graphql(ME, {}, phone))).toBe('UNAUTHENTICATED');
    expect((await api.graphql(ME, {}, laptop)).errors).toBeUndefined();
    expect(codeOf(await api.graphql(REVOKE_SESSION, { id: 'not-an-id' }, laptop))).toBe('NOT_FOUND');
  });

  it('a platform admin resets a password: the old one and every session of the user are refused at once', async () => {
    const { email, token } = await newUser();
    const bystander = await newUser();
    const denied = await api.graphql(RESET, { input: { email, newPassword: 'reset-by-admin-1' } }, bystander.token);
    expect(codeOf(denied)).toBe('FORBIDDEN');
    const reset = await api.graphql(RESET, { input: { email, newPassword: 'reset-by-admin-1' } }, admin);
    expect(reset.data).toEqual({ resetUserPassword: { email, isDisabled: false } });
    expect(codeOf(await api.graphql(ME, {}, token))).toBe('UNAUTHENTICATED');
    expect(codeOf(await login(email, passwordOf(email)))).toBe('UNAUTHENTICATED');
    expect((await login(email, 'reset-by-admin-1')).errors).toBeUndefined();
    const unknown = await api.graphql(RESET, { input: { email: 'nobody@x.test', newPassword: 'whatever-1' } }, admin);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
  });

  it("a disabled user's session and API token are refused at once, and they cannot sign in until enabled", async () => {
    const { email, token } = await newUser();
    const created = await api.graphql<{ createApiToken: { token: string } }>(
      CREATE_TOKEN,
      { input: { name: 'ci' } },
      token,
    );
    const apiToken = created.data?.createApiToken.token as string;
    expect(codeOf(await api.graphql(DISABLE, { email }, token))).toBe('FORBIDDEN');

    expect((await api.graphql(DISABLE, { email }, admin)).data).toEqual({ disableUser: { email, isDisabled: true } });
    expect(codeOf(await api.graphql(ME, {}, token))).toBe('UNAUTHENTICATED');
    const byToken = await api.graphql(ME, {}, apiToken);
    expect(codeOf(byToken)).toBe('UNAUTHENTICATED');
    expect(byToken.errors?.[0]?.message).toBe(
      `the account ${email} is disabled; a platform administrator can enable it again`,
    );
    const signIn_ = await login(email, passwordOf(email));
    expect(codeOf(signIn_)).toBe('UNAUTHENTICATED');
    expect(signIn_.errors?.[0]?.message).toContain('disabled');
    // A wrong password says nothing about the account being disabled.
    expect((await login(email, 'wrong-password')).errors?.[0]?.message).toBe('email or password is wrong');
    const users = await api.graphql<{ users: { email: string; isDisabled: boolean }[] }>(
      '{ users { email isDisabled } }',
      {},
      admin,
    );
    expect(users.data?.users.find((u) => u.email === email)?.isDisabled).toBe(true);

    expect((await api.graphql(ENABLE, { email }, admin)).data).toEqual({ enableUser: { email, isDisabled: false } });
    // Sessions ended with the disabling; the API token works again; signing in works again.
    expect(codeOf(await api.graphql(ME, {}, token))).toBe('UNAUTHENTICATED');
    expect((await api.graphql(ME, {}, apiToken)).errors).toBeUndefined();
    expect((await login(email, passwordOf(email))).errors).toBeUndefined();
  });

  it('an admin cannot disable themselves', async () => {
    const me = await api.graphql(DISABLE, { email: 'admin@cyclone.test' }, admin);
    expect(codeOf(me)).toBe('BAD_USER_INPUT');
    expect((await api.graphql(ME, {}, admin)).errors).toBeUndefined();
  });

  describe('live subscriptions', () => {
    function connect(token: string): Client {
      return createClient({
        url: `${api.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
        lazy: true,
      });
    }

    /** Follows a heartbeat; resolves with how it ended once it ends. */
    function follow(client: Client): { beats: () => number; ended: Promise<{ code?: number; reason?: string }> } {
      let beats = 0;
      const ended = new Promise<{ code?: number; reason?: string }>((resolve) => {
        client.subscribe(
          { query: 'subscription { heartbeat(intervalSeconds: 1) }' },
          {
            next: () => {
              beats += 1;
            },
            error: (error) => resolve(error as { code?: number; reason?: string }),
            complete: () => resolve({}),
          },
        );
      });
      return { beats: () => beats, ended };
    }

    const firstBeat = (stream: { beats: () => number }) =>
      waitFor(() => stream.beats() > 0, { what: 'a heartbeat', timeoutMs: 10_000 });

    it('a subscription ends within seconds when its session is signed out', async () => {
      const { token } = await newUser();
      const client = connect(token);
      const stream = follow(client);
      await firstBeat(stream);
      const signedOutAt = Date.now();
      expect((await api.graphql(LOGOUT, {}, token)).data).toEqual({ logout: true });
      const ended = await stream.ended;
      expect(ended.code).toBe(4401);
      expect(ended.reason).toContain('Unauthorized');
      expect(Date.now() - signedOutAt).toBeLessThan(5_000);
      await client.dispose();
    });

    it('a subscription ends within seconds when its user is disabled, whatever token it used', async () => {
      const { email, token } = await newUser();
      const created = await api.graphql<{ createApiToken: { token: string } }>(
        CREATE_TOKEN,
        { input: { name: 'watch' } },
        token,
      );
      const client = connect(created.data?.createApiToken.token as string);
      const stream = follow(client);
      await firstBeat(stream);
      const disabledAt = Date.now();
      expect((await api.graphql(DISABLE, { email }, admin)).errors).toBeUndefined();
      const ended = await stream.ended;
      expect(ended.code).toBe(4401);
      expect(ended.reason).toContain('disabled');
      expect(Date.now() - disabledAt).toBeLessThan(5_000);
      await client.dispose();
    });

    it('a subscription of another user keeps running', async () => {
      const { token } = await newUser();
      const other = await newUser();
      const client = connect(token);
      const stream = follow(client);
      await firstBeat(stream);
      await api.graphql(LOGOUT, {}, other.token);
      const before = stream.beats();
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(stream.beats()).toBeGreaterThan(before);
      await client.dispose();
    });
  });
});
