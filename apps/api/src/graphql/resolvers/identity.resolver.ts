import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import { ApiTokenPayload, ApiTokenType, CreateApiTokenInput, CreateUserInput } from '../types/api-token.type.js';
import { UserType } from '../types/user.type.js';

@InputType()
class LoginInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
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
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayload> {
    return ctx.services.identity.login(input.email, input.password, ctx.clientIp);
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
  @Query(() => [UserType], { description: 'Every user, by email (platform administrators only).' })
  users(@Ctx() ctx: GraphQLContext): Promise<UserType[]> {
    return ctx.services.users.listUsers();
  }
}
