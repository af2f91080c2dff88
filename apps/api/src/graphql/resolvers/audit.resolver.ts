import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { PageArgs } from '../relay.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { AuditEventConnection, AuditEventFilter } from '../types/audit.type.js';

@Resolver()
export class AuditResolver {
  @Authorized()
  @Query(() => AuditEventConnection, {
    description: "A tenant's audit log, newest first (ADMIN and up). `first` is at most 100.",
  })
  auditEvents(
    @Arg('tenant', () => String) tenant: string,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.audit.tenantEvents(ctx.user, tenant, page, filter ?? {});
  }

  @Authorized('PLATFORM_ADMIN')
  @Query(() => AuditEventConnection, {
    description:
      'Events outside any tenant (users, API tokens, tenant deletion), newest first (platform administrators).',
  })
  platformAuditEvents(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | undefined,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.audit.platformEvents(page, filter ?? {});
  }
}
