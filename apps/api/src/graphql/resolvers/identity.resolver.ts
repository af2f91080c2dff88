import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
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
  @Mutation(() => AuthPayload, { description: 'Signs in with email and password and returns a session token.' })
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: GraphQLContext): Promise<AuthPayload> {
    return ctx.services.identity.login(input.email, input.password);
  }

  @Authorized()
  @Query(() => UserType, { nullable: true, description: 'The signed-in user.' })
  me(@Ctx() ctx: GraphQLContext): UserType | undefined {
    return ctx.user;
  }
}
