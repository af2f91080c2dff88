import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, TEST_ADMIN, type TestApi } from '../testing/test-api.js';

const LOGIN = 'mutation($input: LoginInput!) { login(input: $input) { token user { email isAdmin } } }';

describe('sign-in and the current user', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.stop());

  it('seeds the administrator, who can sign in', async () => {
    const result = await api.graphql(LOGIN, { input: TEST_ADMIN });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      login: { token: expect.stringMatching(/^cyc_s_/), user: { email: TEST_ADMIN.email, isAdmin: true } },
    });
  });

  it('accepts the email in any case', async () => {
    const result = await api.graphql(LOGIN, { input: { ...TEST_ADMIN, email: TEST_ADMIN.email.toUpperCase() } });
    expect(result.errors).toBeUndefined();
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    for (const input of [
      { email: TEST_ADMIN.email, password: 'wrong-password' },
      { email: 'nobody@cyclone.test', password: TEST_ADMIN.password },
    ]) {
      const result = await api.graphql(LOGIN, { input });
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.errors?.[0]?.message).toBe('email or password is wrong');
    }
  });

  it('returns the signed-in user for a session token', async () => {
    const token = await api.loginAsAdmin();
    const result = await api.graphql('{ me { email name isAdmin } }', {}, token);
    expect(result.data).toEqual({ me: { email: TEST_ADMIN.email, name: 'Administrator', isAdmin: true } });
  });

  it('says UNAUTHENTICATED, and why, without a token or with a bad one', async () => {
    const anonymous = await api.graphql('{ me { email } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await api.graphql('{ me { email } }', {}, 'cyc_s_forged');
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(forged.errors?.[0]?.message).toContain('sign in again');
  });

  it('maps malformed operations to BAD_USER_INPUT without a stack trace', async () => {
    const result = await api.graphql('{ me { nosuchfield } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
