import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { notFound } from '../../errors/app-error.js';
import type { Credential } from '../../modules/identity/identity.service.js';
import type { SsoService } from '../../modules/identity/sso.service.js';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { ApiTokenPayload, ApiTokenType, CreateApiTokenInput, CreateUserInput } from '../types/api-token.type.js';
import { ChangePasswordInput, ResetUserPasswordInput, SessionType, UserType } from '../types/user.type.js';

@InputType()
class LoginInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Also keep the session in an httpOnly, SameSite=Strict cookie, sent only by same-origin requests (what the web does: its scripts never hold a credential).',
  })
  useCookie?: boolean | null;
}

@ObjectType({ simpleResolvers: true })
class AuthPayload {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <token>".' })
  token!: string;

  @Field(() => UserType)
  user!: UserType;
}

@ObjectType({ simpleResolvers: true })
class SsoProviderInfo {
  @Field(() => String, { description: 'Shown on the button: "Sign in with <name>" (CYCLONE_OIDC_NAME).' })
  name!: string;
}

@ObjectType({ simpleResolvers: true })
class SignInOptions {
  @Field(() => Boolean, { description: 'False when the operator turned password sign-in off: `login` is refused.' })
  password!: boolean;

  @Field(() => SsoProviderInfo, {
    nullable: true,
    description: 'Single sign-on, when an OpenID Connect provider is set up.',
  })
  sso!: SsoProviderInfo | null;
}

@ObjectType({ simpleResolvers: true })
class SsoSignInStart {
  @Field(() => String, { description: "Send the browser here: the provider's sign-in page." })
  authorizationUrl!: string;

  @Field(() => String, {
    description:
      'Keep this in the browser that started the sign-in (not in the URL) and send it to completeSsoSignIn; valid 10 minutes.',
  })
  ticket!: string;
}

@InputType()
class CompleteSsoSignInInput {
  @Field(() => String, { description: 'The URL the provider sent the browser back to (with code and state).' })
  callbackUrl!: string;

  @Field(() => String, { description: 'The ticket startSsoSignIn returned.' })
  ticket!: string;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Also set the session as an httpOnly cookie (what the web app does), as login does.',
  })
  useCookie?: boolean | null;
}

@Resolver()
export class IdentityResolver {
  @Query(() => SignInOptions, { description: 'How one may sign in here; asked before signing in.' })
  signInOptions(@Ctx() ctx: GraphQLContext): SignInOptions {
    const { password, ssoName } = ctx.services.signInOptions;
    return { password, sso: ssoName ? { name: ssoName } : null };
  }

  @Mutation(() => SsoSignInStart, {
    description:
      'Starts a single sign-on (OpenID Connect, authorization code with PKCE). NOT_FOUND when no provider is set up.',
  })
  startSsoSignIn(@Ctx() ctx: GraphQLContext): Promise<SsoSignInStart> {
    return requireSso(ctx).start();
  }

  @Mutation(() => AuthPayload, {
    description:
      "Completes a single sign-on with the provider's answer: the first sign-in creates the user (or links the account with the same verified email), and every sign-in sets the roles the tenants' SSO group mappings grant. FORBIDDEN when no group gives a role anywhere.",
  })
  async completeSsoSignIn(
    @Arg('input', () => CompleteSsoSignInInput) input: CompleteSsoSignInInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<AuthPayload> {
    const session = await requireSso(ctx).complete(
      { callbackUrl: input.callbackUrl, ticket: input.ticket },
      clientOf(ctx),
    );
    return keepSession(ctx, session, input.useCookie);
  }

  @Mutation(() => AuthPayload, {
    description:
      'Signs in with email and password and returns a session token. Repeated failures lock the account (and the client address) for a while; the error says until when.',
  })
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayload> {
    const session = await ctx.services.identity.login(input.email, input.password, clientOf(ctx));
    return keepSession(ctx, session, input.useCookie);
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Signs out: the session (or API token) this request came with is revoked at once, over HTTP and on open subscriptions.',
  })
  async logout(@SignedIn() ctx: SignedInContext): Promise<boolean> {
    const isDone = await ctx.services.account.logout(ctx.user, ctx.credential as Credential);
    ctx.sessionCookie?.clear();
    return isDone;
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Changes your password after checking the current one (a wrong one counts as a failed sign-in); every other session of yours is signed out.',
  })
  changePassword(
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<boolean> {
    return ctx.services.account.changePassword(ctx.user, ctx.credential, input);
  }

  @Authorized()
  @Query(() => [SessionType], { description: 'Your sessions that have not expired, newest first.' })
  sessions(@SignedIn() ctx: SignedInContext): Promise<SessionType[]> {
    return ctx.services.account.listSessions(ctx.user, ctx.credential);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Signs one of your sessions out at once. NOT_FOUND for any other id.' })
  revokeSession(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext): Promise<boolean> {
    return ctx.services.account.revokeSession(ctx.user, id);
  }

  @Authorized()
  @Query(() => UserType, { nullable: true, description: 'The signed-in user.' })
  me(@Ctx() ctx: GraphQLContext): UserType | undefined {
    return ctx.user;
  }

  @Authorized()
  @Mutation(() => ApiTokenPayload, { description: 'Creates an API token for the signed-in user.' })
  createApiToken(
    @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<ApiTokenPayload> {
    return ctx.services.apiTokens.createApiToken(ctx.user, input);
  }

  @Authorized()
  @Mutation(() => ApiTokenType, { description: 'Revokes one of your API tokens; it stops working at once.' })
  revokeApiToken(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext): Promise<ApiTokenType> {
    return ctx.services.apiTokens.revokeApiToken(ctx.user, id);
  }

  @Authorized()
  @Query(() => [ApiTokenType], { description: 'Your API tokens that are not revoked, newest first.' })
  apiTokens(@SignedIn() ctx: SignedInContext): Promise<ApiTokenType[]> {
    return ctx.services.apiTokens.listApiTokens(ctx.user);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, { description: 'Creates a user (platform administrators only).' })
  createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<UserType> {
    return ctx.services.users.createUser(ctx.user, input);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, {
    description: "Sets a user's password and signs out all their sessions (platform administrators only).",
  })
  resetUserPassword(
    @Arg('input', () => ResetUserPasswordInput) input: ResetUserPasswordInput,
    @SignedIn() ctx: SignedInContext,
  ): Promise<UserType> {
    return ctx.services.users.resetUserPassword(ctx.user, input);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, {
    description:
      'Disables a user at once: no sign-in, their sessions end and their API tokens are refused until enabled (platform administrators only).',
  })
  disableUser(@Arg('email', () => String) email: string, @SignedIn() ctx: SignedInContext): Promise<UserType> {
    return ctx.services.users.setUserDisabled(ctx.user, email, true);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, {
    description: 'Enables a disabled user again; they sign in anew (platform administrators only).',
  })
  enableUser(@Arg('email', () => String) email: string, @SignedIn() ctx: SignedInContext): Promise<UserType> {
    return ctx.services.users.setUserDisabled(ctx.user, email, false);
  }

  @Authorized('PLATFORM_ADMIN')
  @Query(() => [UserType], { description: 'Every user, by email (platform administrators only).' })
  users(@Ctx() ctx: GraphQLContext): Promise<UserType[]> {
    return ctx.services.users.listUsers();
  }
}

/** The client a new session records: its address and User-Agent. */
function clientOf(ctx: GraphQLContext) {
  return { ip: ctx.clientIp, userAgent: ctx.userAgent };
}

/** Both ways to sign in end here: the session also goes into the cookie when the input asks (what the web does). */
function keepSession<T extends { token: string; expiresAt: Date }>(
  ctx: GraphQLContext,
  session: T,
  useCookie: boolean | null | undefined,
): T {
  if (useCookie) ctx.sessionCookie?.set(session.token, session.expiresAt);
  return session;
}

function requireSso(ctx: GraphQLContext): SsoService {
  if (!ctx.services.sso) throw notFound('single sign-on (no provider is set up: CYCLONE_OIDC_ISSUER)');
  return ctx.services.sso;
}
