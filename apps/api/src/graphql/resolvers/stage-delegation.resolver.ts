import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import type { GraphQLContext } from '../context.js';
import { CurrentUser } from '../current-user.js';
import { CompleteDelegatedStageInput } from '../types/stage-delegation.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

/** Delegated stages (docs/workflows.md, "Delegation stages"). */
@Resolver()
export class StageDelegationResolver {
  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description:
      "Ends a delegated stage that waits (WAITING) for its external system, as that system's callback would: SUCCEEDED with outputs, or FAILED (retried per the stage's retries). DEVELOPER and above; CONFLICT when the stage does not wait.",
  })
  completeDelegatedStage(
    @Arg('input', () => CompleteDelegatedStageInput) input: CompleteDelegatedStageInput,
    @CurrentUser() user: AuthUser,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.delegations.complete(user, input);
  }

  @Authorized()
  @Query(() => String, {
    description:
      "The key the tenant's delegation requests are signed with: X-Cyclone-Signature-256 is sha256=<hex HMAC-SHA256 of the body with it>. ADMIN and above.",
  })
  delegationSigningKey(
    @Arg('tenant', () => String) tenant: string,
    @CurrentUser() user: AuthUser,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.delegations.signingKey(user, tenant);
  }
}
