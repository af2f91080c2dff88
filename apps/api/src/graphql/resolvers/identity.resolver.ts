import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { AuthUser, Credential } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
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

@ObjectType()
class AuthPayload {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <token>".' })
  token!: string;

  @Field(() => UserType)
  user!: UserType;
}

@Resolver()
export class IdentityResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Signs in with email and password and returns a session token. Repeated failures lock the account (and the client address) for a while; the error says until when.',
  })
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayload> {
    const session = await ctx.services.identity.login(input.email, input.password, {
      ip: ctx.clientIp,
      userAgent: ctx.userAgent,
    });
    if (input.useCookie) ctx.sessionCookie?.set(session.token, session.expiresAt);
    return session;
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Signs out: the session (or API token) this request came with is revoked at once, over HTTP and on open subscriptions.',
  })
  async logout(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    const isDone = await ctx.services.account.logout(ctx.user as AuthUser, ctx.credential as Credential);
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
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    return ctx.services.account.changePassword(ctx.user as AuthUser, ctx.credential, input);
  }

  @Authorized()
  @Query(() => [SessionType], { description: 'Your sessions that have not expired, newest first.' })
  sessions(@Ctx() ctx: GraphQLContext): Promise<SessionType[]> {
    return ctx.services.account.listSessions(ctx.user as AuthUser, ctx.credential);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Signs one of your sessions out at once. NOT_FOUND for any other id.' })
  revokeSession(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return ctx.services.account.revokeSession(ctx.user as AuthUser, id);
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
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApiTokenPayload> {
    return ctx.services.apiTokens.createApiToken(ctx.user as AuthUser, input);
  }

  @Authorized()
  @Mutation(() => ApiTokenType, { description: 'Revokes one of your API tokens; it stops working at once.' })
  revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiTokenType> {
    return ctx.services.apiTokens.revokeApiToken(ctx.user as AuthUser, id);
  }

  @Authorized()
  @Query(() => [ApiTokenType], { description: 'Your API tokens that are not revoked, newest first.' })
  apiTokens(@Ctx() ctx: GraphQLContext): Promise<ApiTokenType[]> {
    return ctx.services.apiTokens.listApiTokens(ctx.user as AuthUser);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, { description: 'Creates a user (platform administrators only).' })
  createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserType> {
    return ctx.services.users.createUser(ctx.user as AuthUser, input);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, {
    description: "Sets a user's password and signs out all their sessions (platform administrators only).",
  })
  resetUserPassword(
    @Arg('input', () => ResetUserPasswordInput) input: ResetUserPasswordInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<UserType> {
    return ctx.services.users.resetUserPassword(ctx.user as AuthUser, input);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, {
    description:
      'Disables a user at once: no sign-in, their sessions end and their API tokens are refused until enabled (platform administrators only).',
  })
  disableUser(@Arg('email', () => String) email: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return ctx.services.users.setUserDisabled(ctx.user as AuthUser, email, true);
  }

  @Authorized('PLATFORM_ADMIN')
  @Mutation(() => UserType, {
    description: 'Enables a disabled user again; they sign in anew (platform administrators only).',
  })
  enableUser(@Arg('email', () => String) email: string, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return ctx.services.users.setUserDisabled(ctx.user as AuthUser, email, false);
  }

  @Authorized('PLATFORM_ADMIN')
  @Query(() => [UserType], { description: 'Every user, by email (platform administrators only).' })
  users(@Ctx() ctx: GraphQLContext): Promise<UserType[]> {
    return ctx.services.users.listUsers();
  }
}
