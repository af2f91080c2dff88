import { type Hydra, startHydra } from '../../../scripts/testenv/hydra.mjs';

/** The provider's client for Cyclone under test. */
const CLIENT = { clientId: 'cyclone-e2e', clientSecret: 'cyclone-e2e-client-secret' };

/**
 * The test identity provider's users (subject -> ID token claims): the login page
 * Hydra sends the browser to has one "Sign in as <email>" button per user.
 */
export const SSO_USERS = {
  developer: { email: 'sso-dev@corp.test', email_verified: true, name: 'Sam Developer', groups: ['e2e-ci-devs'] },
  outsider: { email: 'sso-outsider@corp.test', email_verified: true, name: 'Olly Outsider', groups: ['marketing'] },
};

/** The group the specs map to a tenant role. */
export const SSO_DEV_GROUP = 'e2e-ci-devs';

/**
 * Starts Ory Hydra on loopback (built once, scripts/testenv/build-go-tool.sh hydra) with
 * Cyclone's client registered, and returns it with the API environment that points
 * Cyclone at it; the provider sends browsers back to the web's /login/sso.
 */
export async function startSsoProvider(webBaseUrl: string): Promise<{ hydra: Hydra; env: Record<string, string> }> {
  const hydra = await startHydra({ users: structuredClone(SSO_USERS) });
  const redirectUrl = `${webBaseUrl}/login/sso`;
  try {
    await hydra.createClient({ ...CLIENT, redirectUris: [redirectUrl] });
  } catch (error) {
    await hydra.stop();
    throw error;
  }
  return {
    hydra,
    env: {
      CYCLONE_OIDC_ISSUER: hydra.issuer,
      CYCLONE_OIDC_CLIENT_ID: CLIENT.clientId,
      CYCLONE_OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      CYCLONE_OIDC_SCOPES: 'openid email profile groups',
      CYCLONE_OIDC_REDIRECT_URL: redirectUrl,
    },
  };
}
