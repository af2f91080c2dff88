import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { UserType } from '../types/user.type.js';

@Resolver(() => UserType)
export class UserResolver {
  @FieldResolver(() => Boolean, {
    description: 'Disabled by a platform administrator: no sign-in, every session and API token refused.',
  })
  async isDisabled(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    if (user.isDisabled !== undefined) return user.isDisabled;
    if (user.disabledAt !== undefined) return user.disabledAt !== null;
    return ((await ctx.loaders.userById.load(user.id))?.disabledAt ?? null) !== null;
  }

  @FieldResolver(() => Boolean, {
    description:
      "True only on your own user while it still has the seeded administrator's documented default password (change it); false otherwise.",
  })
  hasDefaultPassword(@Root() user: UserType, @Ctx() ctx: GraphQLContext): Promise<boolean> | boolean {
    if (!ctx.user || ctx.user.id !== user.id) return false;
    return ctx.services.identity.hasDefaultPassword(user.id);
  }
}
