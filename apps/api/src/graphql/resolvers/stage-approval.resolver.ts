import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { ApproveStageInput, RejectStageInput, StageApprovalDecisionType } from '../types/stage-approval.type.js';
import { UserType } from '../types/user.type.js';
import { WorkflowRunType } from '../types/workflow-run.type.js';

/** Decisions on approval gates (docs/workflows.md, "Approval gates"). */
@Resolver()
export class StageApprovalResolver {
  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description:
      'Approves an approval stage that waits (WAITING) on its current attempt, with values for its inputs: one decision per member; the stage succeeds once `count` members approved, the inputs becoming its outputs. FORBIDDEN for a member the stage does not name; CONFLICT when it does not wait or you decided already.',
  })
  approveStage(@Arg('input', () => ApproveStageInput) input: ApproveStageInput, @SignedIn() ctx: SignedInContext) {
    return ctx.services.stageApprovals.approveStage(ctx.user, input);
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description: 'Rejects an approval stage that waits: it fails with the comment, and the run with it.',
  })
  rejectStage(@Arg('input', () => RejectStageInput) input: RejectStageInput, @SignedIn() ctx: SignedInContext) {
    return ctx.services.stageApprovals.rejectStage(ctx.user, input);
  }
}

@Resolver(() => StageApprovalDecisionType)
export class StageApprovalDecisionResolver {
  @FieldResolver(() => UserType, { description: 'Who decided (their email as it was then, should the user be gone).' })
  async user(@Root() decision: StageApprovalDecisionType, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    const user = await ctx.loaders.userById.load(decision.userId);
    return user ?? { id: decision.userId, email: decision.email, name: '', isAdmin: false };
  }
}
