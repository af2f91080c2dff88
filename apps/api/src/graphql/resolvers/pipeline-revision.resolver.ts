import { Arg, Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AuthUser } from '../../modules/identity/identity.service.js';
import { toStageView } from '../../modules/workflows/workflow-views.js';
import type { GraphQLContext } from '../context.js';
import { CurrentUser } from '../current-user.js';
import { PipelineRevisionType } from '../types/pipeline-revision.type.js';
import { WorkflowType } from '../types/workflow.type.js';

/** Pipelines as code on the compare page: a revision's `.cyclone.yaml` beside a stored version. */
@Resolver(() => WorkflowType)
export class WorkflowPipelineRevisionResolver {
  @Authorized()
  @FieldResolver(() => PipelineRevisionType, {
    description:
      "`.cyclone.yaml` at a revision (a full commit SHA, an SVN revision number, or a branch, read at its head) of the repository of the workflow's SCM trigger that takes the workflow from the repository (`trigger`: needed when it has several). Checked as a push would be; BAD_USER_INPUT says why a revision has no usable file.",
  })
  async pipelineRevision(
    @Root() workflow: WorkflowType,
    @Arg('revision', () => String) revision: string,
    @Arg('trigger', () => String, { nullable: true }) trigger: string | undefined,
    @CurrentUser() user: AuthUser,
    @Ctx() ctx: GraphQLContext,
  ): Promise<PipelineRevisionType> {
    const read = await ctx.services.pipelines.revision(user, workflow, { revision, trigger });
    const { spec, ...rest } = read;
    return { ...rest, stages: spec.stages.map(toStageView) };
  }
}
