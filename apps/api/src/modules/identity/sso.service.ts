import * as oidc from 'openid-client';
import type { SsoSettings } from '../../config/sso-config.js';
import type { Db } from '../../db/prisma.js';
import { AppError, badInput, forbidden } from '../../errors/app-error.js';
import type { Logger } from '../../logging/logger.js';
import type { SecretBox } from '../integrations/secret-box.js';
import { runMutation, type Tx } from '../shared/mutation.js';
import {
  type AuthUser,
  type IdentityService,
  normalizeEmail,
  type SignInClient,
  toAuthUser,
} from './identity.service.js';
import type { OidcProvider, PendingSignIn, ProviderClaims } from './oidc.provider.js';
import { ssoWrites } from './sso.repository.js';
import { groupsOf, hasAnyAccess, keepLastOwners, planMembershipSync, rolesFromGroups } from './sso.rules.js';

/** How long a sign-in may stay at the provider before its ticket expires. */
const TICKET_TTL_MS = 10 * 60_000;

export interface SsoSignInStart {
  authorizationUrl: string;
  /** Kept by the browser that started the sign-in and sent back with the provider's answer. */
  ticket: string;
}

/**
 * Single sign-on with an OpenID Connect provider (authorization code + PKCE). The
 * state, nonce and code verifier travel sealed (AES-GCM, the integrations' key) in a
 * ticket the starting browser keeps: no server state between the two steps, and
 * someone who only saw the provider's redirect (code and state) cannot complete it.
 * The first sign-in creates the user (or links an existing one by a verified email);
 * every sign-in sets the memberships the tenants' group mappings grant.
 */
export class SsoService {
  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      box: SecretBox;
      settings: SsoSettings;
      provider: OidcProvider;
      identity: IdentityService;
      /** The seeded administrator stays one whatever the admin groups say (no lock-out). */
      adminEmail: string;
    },
  ) {}

  async start(): Promise<SsoSignInStart> {
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const authorizationUrl = await this.deps.provider.authorizationUrl(pending);
    const sealed = this.deps.box.seal(JSON.stringify({ ...pending, expiresAt: Date.now() + TICKET_TTL_MS }));
    return { authorizationUrl, ticket: Buffer.from(sealed).toString('base64url') };
  }

  async complete(
    input: { callbackUrl: string; ticket: string },
    client: SignInClient,
  ): Promise<{ token: string; expiresAt: Date; user: AuthUser }> {
    const pending = this.openTicket(input.ticket);
    const callbackUrl = parseCallbackUrl(input.callbackUrl);
    if (callbackUrl.searchParams.get('state') !== pending.state) {
      throw badInput('input.callbackUrl', 'this answer belongs to a sign-in started elsewhere; sign in again');
    }
    const claims = await this.deps.provider.exchange(callbackUrl, pending);
    const outcome = await this.signIn(claims);
    if (!outcome.hasAccess) {
      this.deps.logger.info({ email: outcome.user.email, groups: outcome.groups }, 'single sign-on: no role granted');
      throw forbidden(noRoleMessage(outcome.user.email, outcome.groups, this.deps.settings.groupsClaim));
    }
    return { ...(await this.deps.identity.startSession(outcome.user.id, client)), user: toAuthUser(outcome.user) };
  }

  /**
   * Finds, links or creates the user and syncs their memberships, in one transaction.
   * A new user who would get no role is not created; an existing one loses the roles
   * their groups no longer grant even when that leaves them none, but the only OWNER of a
   * tenant stays its OWNER.
   */
  private async signIn(claims: ProviderClaims) {
    const { issuer, groupsClaim, adminGroups } = this.deps.settings;
    const email = emailOf(claims);
    const groups = groupsOf(claims, groupsClaim);
    const subject = { action: 'user.sso-sign-in', objectType: 'User', objectName: email };
    return runMutation(this.deps, undefined, subject, async (tx) => {
      let user = await ssoWrites.findLinkedUser(tx, issuer, claims.sub);
      const isNew = !user && !(await ssoWrites.findUserByEmail(tx, email));
      if (user) await ssoWrites.touchLink(tx, issuer, claims.sub);
      else user = await this.linkOrCreate(tx, claims, email);
      if (user.disabledAt) {
        throw new AppError('UNAUTHENTICATED', 'this account is disabled; a platform administrator can enable it again');
      }
      if (adminGroups.length > 0) {
        const isAdmin =
          user.email === normalizeEmail(this.deps.adminEmail) || groups.some((g) => adminGroups.includes(g));
        if (isAdmin !== user.isAdmin) user = await ssoWrites.setAdmin(tx, user.id, isAdmin);
      }
      const current = await ssoWrites.memberships(tx, user.id);
      const wanted = planMembershipSync(current, rolesFromGroups(groups, await ssoWrites.groupRolesFor(tx, groups)));
      const owned = current.filter((membership) => membership.role === 'OWNER').map((m) => m.tenantId);
      const plan = keepLastOwners(current, wanted, await ssoWrites.ownerCounts(tx, owned));
      const hasAccess = hasAnyAccess(current, plan, user.isAdmin);
      // Nothing is written for a first sign-in that is refused.
      if (isNew && !hasAccess) throw forbidden(noRoleMessage(email, groups, groupsClaim));
      for (const { tenantId, role } of plan.create) await ssoWrites.addMembership(tx, tenantId, user.id, role);
      for (const { tenantId, role } of plan.update) await ssoWrites.setMembershipRole(tx, tenantId, user.id, role);
      for (const tenantId of plan.remove) await ssoWrites.removeMembership(tx, tenantId, user.id);
      return { user, groups, hasAccess };
    });
  }

  /** Links the account of the same email (only when the provider vouches for the address), or creates one. */
  private async linkOrCreate(tx: Tx, claims: ProviderClaims, email: string) {
    const { issuer } = this.deps.settings;
    const existing = await ssoWrites.findUserByEmail(tx, email);
    if (existing && claims.email_verified !== true) {
      throw forbidden(
        `an account with the email ${email} exists, and the single sign-on provider does not say this address is verified (email_verified), so it is not linked; ask a platform administrator`,
      );
    }
    const name = stringClaim(claims, 'name') ?? stringClaim(claims, 'preferred_username') ?? email;
    const user = existing ?? (await ssoWrites.createUser(tx, { email, name: name.slice(0, 200), isAdmin: false }));
    await ssoWrites.link(tx, issuer, claims.sub, user.id);
    this.deps.logger.info({ email, created: !existing }, 'single sign-on: linked a user');
    return user;
  }

  private openTicket(ticket: string): PendingSignIn {
    let parsed: PendingSignIn & { expiresAt: number };
    try {
      parsed = JSON.parse(this.deps.box.open(Buffer.from(ticket, 'base64url').toString('utf8')));
    } catch {
      throw badInput('input.ticket', 'is not a ticket of this Cyclone; sign in again');
    }
    if (!(parsed.expiresAt > Date.now())) {
      throw badInput('input.ticket', 'the sign-in took longer than 10 minutes; sign in again');
    }
    return { state: parsed.state, nonce: parsed.nonce, codeVerifier: parsed.codeVerifier };
  }
}

function parseCallbackUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw badInput('input.callbackUrl', 'must be the URL the provider sent the browser back to');
  }
}

function emailOf(claims: ProviderClaims): string {
  const email = stringClaim(claims, 'email');
  if (!email?.includes('@')) {
    throw new AppError(
      'UNAUTHENTICATED',
      'the single sign-on provider sent no email address; the operator must request the "email" scope (CYCLONE_OIDC_SCOPES)',
    );
  }
  return normalizeEmail(email);
}

function stringClaim(claims: ProviderClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function noRoleMessage(email: string, groups: string[], claim: string): string {
  const named =
    groups.length > 0
      ? `none of your groups (${groups.join(', ')}) is given a role`
      : `the provider sent no groups (claim "${claim}"), so no group gives you a role`;
  return `${email} signed in with single sign-on, but ${named} in any Cyclone tenant; ask a tenant OWNER to map one of your groups to a role (setTenantSsoGroupRoles)`;
}
