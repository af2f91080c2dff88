// Single sign-on against a real OpenID Connect provider: Ory Hydra on loopback (built
// from its Go module and cached, scripts/testenv/build-go-tool.sh hydra). The test acts as the
// browser: it follows Hydra's redirects with Hydra's cookies and accepts the login and
// consent through Hydra's admin API, as Hydra's login/consent app would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hydra, HydraUser } from '../../../../../scripts/testenv/hydra.mjs';
import { startHydra } from '../../../../../scripts/testenv/hydra.mjs';
import { startTestApi, TEST_ADMIN, type TestApi } from '../../testing/test-api.js';
import { createUserAndLogin } from '../../testing/users.js';

const REDIRECT_URL = 'http://127.0.0.1:9/login/sso';
const CLIENT = { clientId: 'cyclone', clientSecret: 'cyclone-client-secret' };

const START = 'mutation { startSsoSignIn { authorizationUrl ticket } }';
const COMPLETE =
  'mutation($input: CompleteSsoSignInInput!) { completeSsoSignIn(input: $input) { token user { email isAdmin } } }';
const SET_GROUPS =
  'mutation($input: SetTenantSsoGroupRolesInput!) { setTenantSsoGroupRoles(input: $input) { name ssoGroupRoles { group role } } }';
const ME_TENANTS = '{ me { email isAdmin } tenants { name myRole members { user { email } role grantedBySso } } }';
const OPTIONS = '{ signInOptions { password sso { name } } }';

type GraphQLResult<T = Record<string, unknown>> = Awaited<ReturnType<TestApi['graphql']>> & { data?: T };
const codeOf = (result: GraphQLResult) => result.errors?.[0]?.extensions?.code;
const messageOf = (result: GraphQLResult) => result.errors?.[0]?.message ?? '';

const users: Record<string, HydraUser> = {
  alice: { email: 'alice@corp.test', email_verified: true, name: 'Alice', groups: ['ci-devs'] },
  bob: { email: 'bob@corp.test', email_verified: true, name: 'Bob', groups: ['marketing'] },
  carol: { email: 'carol@corp.test', email_verified: true, name: 'Carol', groups: ['cyclone-admins'] },
  dave: { email: 'dave@corp.test', email_verified: false, name: 'Dave', groups: ['ci-devs'] },
  erin: { email: 'erin@corp.test', email_verified: true, name: 'Erin', groups: ['ci-devs', 'ci-leads'] },
};

function ssoEnv(hydra: Hydra, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CYCLONE_OIDC_ISSUER: hydra.issuer,
    CYCLONE_OIDC_CLIENT_ID: CLIENT.clientId,
    CYCLONE_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
    CYCLONE_OIDC_SCOPES: 'openid email profile groups',
    CYCLONE_OIDC_REDIRECT_URL: REDIRECT_URL,
    CYCLONE_OIDC_ADMIN_GROUPS: 'cyclone-admins',
    ...extra,
  };
}

/**
 * The browser's part: from the authorization URL through Hydra's login and consent to
 * the redirect back to Cyclone; returns the URL Cyclone's page would be opened with.
 */
async function throughProvider(hydra: Hydra, authorizationUrl: string, subject: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = authorizationUrl;
  for (let hop = 0; hop < 12; hop++) {
    if (url.startsWith(REDIRECT_URL)) return url;
    const target = new URL(url);
    if (url.startsWith(`${hydra.loginAppUrl}/login`)) {
      url = await hydra.acceptLogin(target.searchParams.get('login_challenge') as string, subject);
      continue;
    }
    if (url.startsWith(`${hydra.loginAppUrl}/consent`)) {
      url = await hydra.acceptConsent(target.searchParams.get('consent_challenge') as string);
      continue;
    }
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = (pair as string).indexOf('=');
      cookies.set((pair as string).slice(0, at), (pair as string).slice(at + 1));
    }
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (!location) throw new Error(`the provider answered ${response.status} at ${url} without a redirect`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

describe('single sign-on with OpenID Connect (Ory Hydra)', () => {
  let hydra: Hydra;
  let api: TestApi;
  let admin: string;

  async function start(): Promise<{ authorizationUrl: string; ticket: string }> {
    const started = await api.graphql<{ startSsoSignIn: { authorizationUrl: string; ticket: string } }>(START);
    if (!started.data) throw new Error(`startSsoSignIn failed: ${JSON.stringify(started.errors)}`);
    return started.data.startSsoSignIn;
  }

  async function signIn(subject: string): Promise<GraphQLResult<{ completeSsoSignIn: { token: string } }>> {
    const { authorizationUrl, ticket } = await start();
    const callbackUrl = await throughProvider(hydra, authorizationUrl, subject);
    return api.graphql(COMPLETE, { input: { callbackUrl, ticket } });
  }

  async function tokenOf(subject: string): Promise<string> {
    const result = await signIn(subject);
    if (!result.data) throw new Error(`sign-in of ${subject} failed: ${JSON.stringify(result.errors)}`);
    return result.data.completeSsoSignIn.token;
  }

  async function tenantsOf(token: string) {
    const result = await api.graphql<{
      me: { email: string; isAdmin: boolean };
      tenants: {
        name: string;
        myRole: string;
        members: { user: { email: string }; role: string; grantedBySso: boolean }[];
      }[];
    }>(ME_TENANTS, {}, token);
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  }

  async function userEmails(): Promise<string[]> {
    const result = await api.graphql<{ users: { email: string }[] }>('{ users { email } }', {}, admin);
    return (result.data?.users ?? []).map((user) => user.email);
  }

  beforeAll(async () => {
    hydra = await startHydra({ users: structuredClone(users) });
    await hydra.createClient({ ...CLIENT, redirectUris: [REDIRECT_URL] });
    api = await startTestApi(ssoEnv(hydra));
    admin = await api.loginAsAdmin();
    for (const name of ['acme', 'globex']) {
      const created = await api.graphql(
        'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
        {
          input: { name },
        },
        admin,
      );
      expect(created.errors).toBeUndefined();
    }
    const mapped = await api.graphql(
      SET_GROUPS,
      {
        input: {
          tenant: 'acme',
          groupRoles: [
            { group: 'ci-devs', role: 'DEVELOPER' },
            { group: 'ci-leads', role: 'ADMIN' },
          ],
        },
      },
      admin,
    );
    expect(mapped.data).toEqual({
      setTenantSsoGroupRoles: {
        name: 'acme',
        ssoGroupRoles: [
          { group: 'ci-devs', role: 'DEVELOPER' },
          { group: 'ci-leads', role: 'ADMIN' },
        ],
      },
    });
  }, 600_000);
  afterAll(async () => {
    await api?.stop();
    await hydra?.stop();
  });

  it('tells the sign-in page that password and single sign-on are both offered', async () => {
    expect((await api.graphql(OPTIONS)).data).toEqual({ signInOptions: { password: true, sso: { name: 'SSO' } } });
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const { authorizationUrl } = await start();
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${hydra.issuer}oauth2/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT_URL,
      response_type: 'code',
      scope: 'openid email profile groups',
      code_challenge_method: 'S256',
    });
    for (const name of ['code_challenge', 'state', 'nonce']) expect(url.searchParams.get(name)).toMatch(/^\S{20,}$/);
  });

  it('creates the user on first sign-in with the role their group is mapped to', async () => {
    const token = await tokenOf('alice');
    const seen = await tenantsOf(token);
    expect(seen.me).toEqual({ email: 'alice@corp.test', isAdmin: false });
    expect(seen.tenants.map((t) => [t.name, t.myRole])).toEqual([['acme', 'DEVELOPER']]);
    expect(seen.tenants[0]?.members).toContainEqual({
      user: { email: 'alice@corp.test' },
      role: 'DEVELOPER',
      grantedBySso: true,
    });
    // Signing in again finds the same user (linked by the provider's subject).
    await tokenOf('alice');
    expect((await userEmails()).filter((email) => email === 'alice@corp.test')).toHaveLength(1);
  });

  it('sets the web session cookie when asked, as a password login does', async () => {
    const { authorizationUrl, ticket } = await start();
    const callbackUrl = await throughProvider(hydra, authorizationUrl, 'alice');
    const origin = new URL(api.url).origin;
    const post = (query: string, variables: unknown, headers: Record<string, string> = {}) =>
      fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, ...headers },
        body: JSON.stringify({ query, variables }),
      });
    const completed = await post(COMPLETE, { input: { callbackUrl, ticket, useCookie: true } });
    const setCookie = completed.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^cyclone_session=cyc_s_.*; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    const cookie = setCookie.split(';')[0] as string;
    const me = (await (await post('{ me { email } }', {}, { cookie })).json()) as { data?: unknown };
    expect(me.data).toEqual({ me: { email: 'alice@corp.test' } });
  });

  it('gives the highest role of all mapped groups', async () => {
    const token = await tokenOf('erin');
    expect((await tenantsOf(token)).tenants.map((t) => [t.name, t.myRole])).toEqual([['acme', 'ADMIN']]);
  });

  it('refuses a user whose groups grant no role anywhere, with a clear error, and creates nobody', async () => {
    const result = await signIn('bob');
    expect(codeOf(result)).toBe('FORBIDDEN');
    expect(messageOf(result)).toBe(
      'bob@corp.test signed in with single sign-on, but none of your groups (marketing) is given a role in any Cyclone tenant; ask a tenant OWNER to map one of your groups to a role (setTenantSsoGroupRoles)',
    );
    expect(result.data).toBeFalsy();
    expect(await userEmails()).not.toContain('bob@corp.test');
  });

  it('follows group changes at the next sign-in, keeps roles given by hand, and refuses once nothing is left', async () => {
    hydra.setUser('frank', { email: 'frank@corp.test', email_verified: true, name: 'Frank', groups: ['ci-devs'] });
    const first = await tokenOf('frank');
    expect((await tenantsOf(first)).tenants.map((t) => [t.name, t.myRole])).toEqual([['acme', 'DEVELOPER']]);
    const added = await api.graphql(
      'mutation($input: AddTenantMemberInput!) { addTenantMember(input: $input) { role grantedBySso } }',
      { input: { tenant: 'globex', email: 'frank@corp.test', role: 'VIEWER' } },
      admin,
    );
    expect(added.data).toEqual({ addTenantMember: { role: 'VIEWER', grantedBySso: false } });

    // Promoted at the provider: ADMIN in acme from the next sign-in; globex (by hand) stays.
    hydra.setUser('frank', { email: 'frank@corp.test', email_verified: true, name: 'Frank', groups: ['ci-leads'] });
    const second = await tokenOf('frank');
    expect((await tenantsOf(second)).tenants.map((t) => [t.name, t.myRole])).toEqual([
      ['acme', 'ADMIN'],
      ['globex', 'VIEWER'],
    ]);

    // Out of every mapped group: the acme role goes, the one given by hand stays.
    hydra.setUser('frank', { email: 'frank@corp.test', email_verified: true, name: 'Frank', groups: [] });
    const third = await tokenOf('frank');
    expect((await tenantsOf(third)).tenants.map((t) => [t.name, t.myRole])).toEqual([['globex', 'VIEWER']]);

    // Without that too, the sign-in is refused; the sessions of before see no tenant any more.
    const removed = await api.graphql(
      'mutation($input: RemoveTenantMemberInput!) { removeTenantMember(input: $input) }',
      { input: { tenant: 'globex', email: 'frank@corp.test' } },
      admin,
    );
    expect(removed.errors).toBeUndefined();
    const refused = await signIn('frank');
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(messageOf(refused)).toContain('the provider sent no groups (claim "groups")');
    expect((await tenantsOf(first)).tenants).toEqual([]);
  });

  it('never leaves a tenant without an OWNER when the groups change', async () => {
    const created = await api.graphql(
      'mutation($input: CreateTenantInput!) { createTenant(input: $input) { name } }',
      { input: { name: 'initech' } },
      admin,
    );
    expect(created.errors).toBeUndefined();
    const mapped = await api.graphql(
      SET_GROUPS,
      { input: { tenant: 'initech', groupRoles: [{ group: 'ci-owners', role: 'OWNER' }] } },
      admin,
    );
    expect(mapped.errors).toBeUndefined();
    hydra.setUser('gina', { email: 'gina@corp.test', email_verified: true, name: 'Gina', groups: ['ci-owners'] });
    await tokenOf('gina');
    // The creator leaves: Gina, through her group, is the tenant's only OWNER.
    const left = await api.graphql(
      'mutation($input: RemoveTenantMemberInput!) { removeTenantMember(input: $input) }',
      { input: { tenant: 'initech', email: TEST_ADMIN.email } },
      admin,
    );
    expect(left.errors).toBeUndefined();

    hydra.setUser('gina', { email: 'gina@corp.test', email_verified: true, name: 'Gina', groups: [] });
    const after = await tenantsOf(await tokenOf('gina'));
    expect(after.tenants.map((t) => [t.name, t.myRole])).toEqual([['initech', 'OWNER']]);
  });

  it('makes members of the admin groups platform administrators', async () => {
    const token = await tokenOf('carol');
    const seen = await tenantsOf(token);
    expect(seen.me).toEqual({ email: 'carol@corp.test', isAdmin: true });
    // A platform administrator sees every tenant (initech was made by an earlier test).
    expect(seen.tenants.map((t) => t.name)).toEqual(['acme', 'globex', 'initech']);
  });

  it('links an existing account by email only when the provider says the address is verified', async () => {
    await createUserAndLogin(api, admin, 'dave@corp.test');
    const unverified = await signIn('dave');
    expect(codeOf(unverified)).toBe('FORBIDDEN');
    expect(messageOf(unverified)).toContain('does not say this address is verified');

    hydra.setUser('dave', { ...(users.dave as HydraUser), email_verified: true });
    const token = await tokenOf('dave');
    expect((await tenantsOf(token)).me.email).toBe('dave@corp.test');
    // The account's password still works: it was linked, not replaced.
    const login = await api.graphql('mutation($input: LoginInput!) { login(input: $input) { token } }', {
      input: { email: 'dave@corp.test', password: 'password-of-dave@corp.test' },
    });
    expect(login.errors).toBeUndefined();
  });

  it('refuses an answer completed with another sign-in’s ticket (a stolen redirect, or a login planted in a victim’s browser)', async () => {
    const { authorizationUrl } = await start();
    const callbackUrl = await throughProvider(hydra, authorizationUrl, 'alice');
    const other = await start();
    const result = await api.graphql(COMPLETE, { input: { callbackUrl, ticket: other.ticket } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(messageOf(result)).toBe(
      'input.callbackUrl: this answer belongs to a sign-in started elsewhere; sign in again',
    );
  });

  it('refuses a forged ticket and a code used twice', async () => {
    const forged = await api.graphql(COMPLETE, {
      input: { callbackUrl: `${REDIRECT_URL}?code=x&state=y`, ticket: Buffer.from('v1:a:b:c').toString('base64url') },
    });
    expect(codeOf(forged)).toBe('BAD_USER_INPUT');
    expect(messageOf(forged)).toContain('input.ticket');

    const { authorizationUrl, ticket } = await start();
    const callbackUrl = await throughProvider(hydra, authorizationUrl, 'alice');
    expect((await api.graphql(COMPLETE, { input: { callbackUrl, ticket } })).errors).toBeUndefined();
    const replayed = await api.graphql(COMPLETE, { input: { callbackUrl, ticket } });
    expect(codeOf(replayed)).toBe('UNAUTHENTICATED');
    expect(messageOf(replayed)).toContain('(invalid_grant)');
  });

  it('reports a sign-in the user declined at the provider', async () => {
    const { ticket, authorizationUrl } = await start();
    const state = new URL(authorizationUrl).searchParams.get('state');
    const result = await api.graphql(COMPLETE, {
      input: { callbackUrl: `${REDIRECT_URL}?error=access_denied&state=${state}`, ticket },
    });
    expect(codeOf(result)).toBe('UNAUTHENTICATED');
    expect(messageOf(result)).toBe('the single sign-on provider refused the sign-in (access_denied)');
  });

  it('lets only an OWNER set the group mapping, and checks it', async () => {
    const erin = await tokenOf('erin'); // ADMIN of acme through ci-leads
    const byAdmin = await api.graphql(SET_GROUPS, { input: { tenant: 'acme', groupRoles: [] } }, erin);
    expect(codeOf(byAdmin)).toBe('FORBIDDEN');
    expect(messageOf(byAdmin)).toContain('only an OWNER of tenant "acme" may map SSO groups');
    const duplicate = await api.graphql(
      SET_GROUPS,
      {
        input: {
          tenant: 'acme',
          groupRoles: [
            { group: 'x', role: 'VIEWER' },
            { group: 'x', role: 'ADMIN' },
          ],
        },
      },
      admin,
    );
    expect(codeOf(duplicate)).toBe('BAD_USER_INPUT');
    expect(messageOf(duplicate)).toBe('input.groupRoles: names a group more than once');
    const unchanged = await api.graphql<{ tenant: { ssoGroupRoles: unknown[] } }>(
      '{ tenant(name: "acme") { ssoGroupRoles { group role } } }',
      {},
      admin,
    );
    expect(unchanged.data?.tenant.ssoGroupRoles).toHaveLength(2);
  });
});

describe('password sign-in switched off', () => {
  let hydra: Hydra;
  let api: TestApi;

  beforeAll(async () => {
    hydra = await startHydra({ users: structuredClone(users) });
    await hydra.createClient({ ...CLIENT, redirectUris: [REDIRECT_URL] });
    api = await startTestApi(ssoEnv(hydra, { CYCLONE_PASSWORD_SIGN_IN: 'false', CYCLONE_OIDC_NAME: 'Corp SSO' }));
  }, 600_000);
  afterAll(async () => {
    await api?.stop();
    await hydra?.stop();
  });

  it('refuses login with a password, even the right one, and still signs in with SSO', async () => {
    expect((await api.graphql(OPTIONS)).data).toEqual({
      signInOptions: { password: false, sso: { name: 'Corp SSO' } },
    });
    const login = await api.graphql('mutation($input: LoginInput!) { login(input: $input) { token } }', {
      input: { email: 'admin@cyclone.test', password: 'test-admin-password' },
    });
    expect(codeOf(login)).toBe('FORBIDDEN');
    expect(messageOf(login)).toContain('CYCLONE_PASSWORD_SIGN_IN=false');

    // carol is in the admin group: a platform administrator without any password.
    const { authorizationUrl, ticket } = (
      (await api.graphql(START)).data as { startSsoSignIn: { authorizationUrl: string; ticket: string } }
    ).startSsoSignIn;
    const callbackUrl = await throughProvider(hydra, authorizationUrl, 'carol');
    const completed = await api.graphql<{ completeSsoSignIn: { user: { email: string; isAdmin: boolean } } }>(
      COMPLETE,
      { input: { callbackUrl, ticket } },
    );
    expect(completed.data?.completeSsoSignIn.user).toEqual({ email: 'carol@corp.test', isAdmin: true });
  });
});
