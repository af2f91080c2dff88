import { readFileSync } from 'node:fs';
import { isLoopbackHost } from './address-syntax.js';
import { type Env, splitList } from './env-schema.js';

/** Single sign-on with an OpenID Connect provider (modules/identity/sso.service.ts). */
export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Always includes `openid`. */
  scopes: string[];
  /** Claim holding the groups; a dotted path reaches into objects. */
  groupsClaim: string;
  /** Members of these groups are platform administrators; empty: SSO never changes who is one. */
  adminGroups: string[];
  redirectUrl: string;
  /** Shown on the sign-in button. */
  displayName: string;
}

/**
 * The SSO settings of the environment, or undefined without CYCLONE_OIDC_ISSUER;
 * `problems` collects what is wrong, in the words of the variables.
 */
export function ssoSettings(env: Env, publicUrl: string, problems: string[]): SsoSettings | undefined {
  if (!env.CYCLONE_OIDC_ISSUER) {
    for (const name of ['CYCLONE_OIDC_CLIENT_ID', 'CYCLONE_OIDC_CLIENT_SECRET', 'CYCLONE_OIDC_CLIENT_SECRET_FILE']) {
      if (env[name as keyof Env]) problems.push(`${name}: is set but CYCLONE_OIDC_ISSUER is not`);
    }
    if (env.CYCLONE_PASSWORD_SIGN_IN === 'false') {
      problems.push(
        'CYCLONE_PASSWORD_SIGN_IN: false needs single sign-on (CYCLONE_OIDC_ISSUER), or nobody could sign in',
      );
    }
    return undefined;
  }
  const issuer = new URL(env.CYCLONE_OIDC_ISSUER);
  // Plain http only to a provider on this machine (tests, a local proxy): tokens cross that connection.
  if (issuer.protocol === 'http:' && !isLoopbackHost(issuer.hostname.replace(/^\[|\]$/g, ''))) {
    problems.push('CYCLONE_OIDC_ISSUER: must be an https:// URL (http:// only for a provider on a loopback address)');
  }
  if (!env.CYCLONE_OIDC_CLIENT_ID) problems.push('CYCLONE_OIDC_CLIENT_ID: is required with CYCLONE_OIDC_ISSUER');
  const clientSecret = readClientSecret(env, problems);
  const scopes = env.CYCLONE_OIDC_SCOPES.split(/[\s,]+/).filter(Boolean);
  if (!scopes.includes('openid')) problems.push('CYCLONE_OIDC_SCOPES: must include openid');
  return {
    issuer: env.CYCLONE_OIDC_ISSUER,
    clientId: env.CYCLONE_OIDC_CLIENT_ID ?? '',
    clientSecret: clientSecret ?? '',
    scopes,
    groupsClaim: env.CYCLONE_OIDC_GROUPS_CLAIM,
    adminGroups: splitList(env.CYCLONE_OIDC_ADMIN_GROUPS),
    redirectUrl: env.CYCLONE_OIDC_REDIRECT_URL ?? `${publicUrl}/login/sso`,
    displayName: env.CYCLONE_OIDC_NAME,
  };
}

function readClientSecret(env: Env, problems: string[]): string | undefined {
  if (env.CYCLONE_OIDC_CLIENT_SECRET && env.CYCLONE_OIDC_CLIENT_SECRET_FILE) {
    problems.push('CYCLONE_OIDC_CLIENT_SECRET_FILE: set either it or CYCLONE_OIDC_CLIENT_SECRET, not both');
    return undefined;
  }
  if (env.CYCLONE_OIDC_CLIENT_SECRET) return env.CYCLONE_OIDC_CLIENT_SECRET;
  if (!env.CYCLONE_OIDC_CLIENT_SECRET_FILE) {
    problems.push(
      'CYCLONE_OIDC_CLIENT_SECRET: is required with CYCLONE_OIDC_ISSUER (or CYCLONE_OIDC_CLIENT_SECRET_FILE)',
    );
    return undefined;
  }
  try {
    const secret = readFileSync(env.CYCLONE_OIDC_CLIENT_SECRET_FILE, 'utf8').trim();
    if (secret) return secret;
    problems.push(`CYCLONE_OIDC_CLIENT_SECRET_FILE: ${env.CYCLONE_OIDC_CLIENT_SECRET_FILE} is empty`);
  } catch (error) {
    problems.push(
      `CYCLONE_OIDC_CLIENT_SECRET_FILE: cannot read ${env.CYCLONE_OIDC_CLIENT_SECRET_FILE} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return undefined;
}
