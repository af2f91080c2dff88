import { Arg, Authorized, Ctx, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import { badInput } from '../../errors/app-error.js';
import type { GraphQLContext } from '../context.js';
import { EngineStatusType } from '../types/engine-status.type.js';

@Resolver()
export class SystemResolver {
  @Query(() => String, { description: 'The API version.' })
  version(): string {
    return process.env.npm_package_version ?? '0.1.0';
  }

  @Authorized()
  @Query(() => EngineStatusType, {
    nullable: true,
    description: 'Where stages run (any signed-in user). Null until a controller has started.',
  })
  engineStatus(@Ctx() ctx: GraphQLContext): Promise<EngineStatusType | null> {
    return ctx.services.engine.status();
  }

  @Authorized()
  @Subscription(() => Date, {
    description: 'Server time now and then every intervalSeconds: a liveness signal for dashboards.',
    subscribe: ({ args }) => ticks(args.intervalSeconds as number),
  })
  heartbeat(
    @Root() now: Date,
    @Arg('intervalSeconds', () => Int, { defaultValue: 15 }) _intervalSeconds: number,
  ): Date {
    return now;
  }
}

async function* ticks(intervalSeconds: number): AsyncGenerator<Date> {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1 || intervalSeconds > 3600) {
    throw badInput('intervalSeconds', 'must be between 1 and 3600');
  }
  for (;;) {
    yield new Date();
    await new Promise((resolve) => setTimeout(resolve, intervalSeconds * 1000));
  }
}
