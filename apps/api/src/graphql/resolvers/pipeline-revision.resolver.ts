import { Arg, Authorized, FieldResolver, Resolver, Root } from 'type-graphql';
import { toStageView } from '../../modules/workflows/workflow-views.js';
import { SignedIn, type SignedInContext } from '../signed-in.js';
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
    @SignedIn() ctx: SignedInContext,
  ): Promise<PipelineRevisionType> {
    const read = await ctx.services.pipelines.revision(ctx.user, workflow, { revision, trigger });
    const { spec, ...rest } = read;
    return { ...rest, stages: spec.stages.map(toStageView) };
  }
}
