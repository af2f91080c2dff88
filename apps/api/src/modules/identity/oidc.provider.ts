import * as oidc from 'openid-client';
import type { SsoSettings } from '../../config/sso-config.js';
import { AppError, badInput } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import { readClaim } from './sso.rules.js';

/** What Cyclone keeps between sending the browser to the provider and its return. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The claims of a completed sign-in: the ID token's, with the userinfo's when the groups were not in it. */
export type ProviderClaims = Record<string, unknown> & { sub: string };

/**
 * The OpenID Connect provider, through openid-client: discovery (kept for the process's
 * life once it answered; a failure is tried again on the next sign-in), the
 * authorization URL of the code flow with PKCE, and the code exchange with its checks
 * (state, nonce, issuer, audience, signature, expiry).
 */
export class OidcProvider {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly settings: SsoSettings,
    private readonly logger: Logger,
  ) {}

  async authorizationUrl(pending: PendingSignIn): Promise<string> {
    const config = await this.configuration();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    }).href;
  }

  /**
   * Exchanges the code of the provider's answer (`callbackUrl`, the page the browser
   * came back to) for tokens and returns the claims. Only the answer's parameters are
   * read from callbackUrl: the redirect URL is the configured one.
   */
  async exchange(callbackUrl: URL, pending: PendingSignIn): Promise<ProviderClaims> {
    const config = await this.configuration();
    const current = new URL(this.settings.redirectUrl);
    for (const [key, value] of callbackUrl.searchParams) current.searchParams.append(key, value);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.explain(error);
    }
    const claims = tokens.claims() as ProviderClaims | undefined;
    if (!claims) throw new AppError('UNAUTHENTICATED', 'the single sign-on provider returned no ID token');
    if (readClaim(claims, this.settings.groupsClaim) !== undefined || !config.serverMetadata().userinfo_endpoint) {
      return claims;
    }
    // Some providers (Okta, Entra ID with many groups) send groups from userinfo only.
    try {
      const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      return { ...userInfo, ...claims, [this.settings.groupsClaim]: readClaim(userInfo, this.settings.groupsClaim) };
    } catch (error) {
      throw this.explain(error);
    }
  }

  private configuration(): Promise<oidc.Configuration> {
    if (!this.discovered) {
      const issuer = new URL(this.settings.issuer);
      this.discovered = oidc
        .discovery(
          issuer,
          this.settings.clientId,
          undefined,
          oidc.ClientSecretBasic(this.settings.clientSecret),
          // Plain http is accepted by the configuration only for a provider on loopback.
          issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
        )
        .catch((error: unknown) => {
          this.discovered = undefined;
          this.logger.warn({ err: error, issuer: this.settings.issuer }, 'single sign-on: discovery failed');
          throw new AppError(
            'INTERNAL_SERVER_ERROR',
            `the single sign-on provider ${this.settings.issuer} did not answer its discovery request; try again later (the server log has the details)`,
          );
        });
    }
    return this.discovered;
  }

  /** The provider's own error code when it gave one; never its response body. */
  private explain(error: unknown): AppError {
    if (error instanceof AppError) return error;
    if (error instanceof oidc.AuthorizationResponseError) {
      return new AppError('UNAUTHENTICATED', `the single sign-on provider refused the sign-in (${error.error})`);
    }
    const code = (error as { code?: string }).code;
    if (code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
      this.logger.warn({ err: error }, 'single sign-on: the answer did not pass its checks');
      return badInput('input.callbackUrl', `the provider's answer did not pass its checks (${code}); sign in again`);
    }
    this.logger.warn({ err: error }, 'single sign-on: the code exchange failed');
    const oauthError = error instanceof oidc.ResponseBodyError ? ` (${error.error})` : '';
    return new AppError(
      'UNAUTHENTICATED',
      `the single sign-on provider did not complete the sign-in${oauthError}; sign in again`,
    );
  }
}
