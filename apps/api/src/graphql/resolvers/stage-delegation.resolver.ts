import { Arg, Authorized, Mutation, Query, Resolver } from 'type-graphql';
import { SignedIn, type SignedInContext } from '../signed-in.js';
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
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.delegations.complete(ctx.user, input);
  }

  @Authorized()
  @Query(() => String, {
    description:
      "The key the tenant's delegation requests are signed with: X-Cyclone-Signature-256 is sha256=<hex HMAC-SHA256 of the body with it>. ADMIN and above.",
  })
  delegationSigningKey(@Arg('tenant', () => String) tenant: string, @SignedIn() ctx: SignedInContext) {
    return ctx.services.delegations.signingKey(ctx.user, tenant);
  }
}
