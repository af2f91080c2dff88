import { Arg, Args, Authorized, Query, Resolver } from 'type-graphql';
import { SignedIn, type SignedInContext } from '../signed-in.js';
import { NameValueInput } from '../types/name-value.type.js';
import { PreflightCheckType } from '../types/preflight.type.js';
import { WorkflowScopeInput } from '../types/scope.type.js';
import { StageInput } from '../types/workflow.type.js';

@Resolver()
export class PreflightResolver {
  @Authorized()
  @Query(() => [PreflightCheckType], {
    description:
      "What would stop a run of the workflow's current version (or, given `stages`, of that unsaved draft), asked before it starts (VIEWER and up): conditions compile, secrets and resources exist, images are in their registries, Git revisions exist, the worker cluster answers. Writes nothing.",
  })
  preflightWorkflow(
    @Args(() => WorkflowScopeInput) { tenant, project, workflow }: WorkflowScopeInput,
    @Arg('parameters', () => [NameValueInput], {
      nullable: true,
      description: 'The run parameters to check with (variables.NAME, resources.R.SCM_REVISION, …).',
    })
    parameters: NameValueInput[] | null | undefined,
    @Arg('stages', () => [StageInput], {
      nullable: true,
      description: 'An unsaved draft to check instead of the current version (the workflow need not exist yet).',
    })
    stages: StageInput[] | null | undefined,
    @Arg('globalVariables', () => [NameValueInput], {
      nullable: true,
      description: "The draft's global variables (with stages).",
    })
    globalVariables: NameValueInput[] | null | undefined,
    @SignedIn() ctx: SignedInContext,
  ) {
    const draft = stages ? { stages, globalVariables } : null;
    return ctx.services.preflight.preflight(ctx.user, { tenant, project, workflow, parameters, draft });
  }
}
