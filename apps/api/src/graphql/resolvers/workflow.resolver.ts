import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { badInput } from '../../errors/app-error.js';
import { toStageView, toTriggerView } from '../../modules/workflows/workflow-views.js';
import { MAX_RUNS_LIST } from '../../modules/workflows/workflows.loaders.js';
import type { GraphQLContext } from '../context.js';
import { PageArgs } from '../relay.js';
import { NameValueType } from '../types/name-value.type.js';
import { ProjectObjectRefInput } from '../types/project.type.js';
import { UserType } from '../types/user.type.js';
import {
  CreateWorkflowInput,
  UpdateWorkflowInput,
  WorkflowRefInput,
  WorkflowStageType,
  WorkflowType,
  WorkflowVersionType,
} from '../types/workflow.type.js';
import { WorkflowResourcesType } from '../types/workflow-resources.type.js';
import { WorkflowRunConnection, WorkflowRunFilter, WorkflowRunType } from '../types/workflow-run.type.js';
import { WorkflowTriggerType } from '../types/workflow-trigger.type.js';
import { crudResolver } from './crud-resolver.js';

@Resolver(() => WorkflowType)
export class WorkflowResolver extends crudResolver({
  name: 'Workflow',
  object: WorkflowType,
  inputs: { create: CreateWorkflowInput, update: UpdateWorkflowInput, ref: WorkflowRefInput },
  descriptions: {
    create: 'Creates a workflow at version 1 (DEVELOPER and up).',
    update: 'Saves a new immutable version (DEVELOPER and up); a spec equal to the current one adds none.',
    delete:
      'Deletes a workflow with its versions, triggers and runs (DEVELOPER and up). Refused with CONFLICT while a run is PENDING, RUNNING or WAITING.',
  },
  service: ({ services: { workflows } }) => ({
    create: (user, input) => workflows.createWorkflow(user, input),
    update: (user, input) => workflows.updateWorkflow(user, input),
    delete: (user, ref) => workflows.deleteWorkflow(user, ref),
  }),
  present: (workflow) => workflow,
  lookup: {
    name: 'workflow',
    args: ProjectObjectRefInput,
    description: 'A workflow of a project. NOT_FOUND when it does not exist or you are not a member of the tenant.',
    get: (ctx, user, { tenant, project, name }) =>
      ctx.services.workflowsPresenter.getWorkflow(user, tenant, project, name),
  },
}) {
  @FieldResolver(() => Int, { description: 'The current version, from 1.' })
  version(@Root() workflow: WorkflowType): number {
    return workflow.currentVersion;
  }

  @FieldResolver(() => String, { description: 'The workflow as Cyclone YAML (Resources, Stages, Workflow, triggers).' })
  yaml(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext): Promise<string> {
    return ctx.services.workflowsPresenter.exportYaml(workflow);
  }

  @FieldResolver(() => [NameValueType])
  async globalVariables(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext): Promise<NameValueType[]> {
    return (await this.spec(workflow, ctx)).globalVariables;
  }

  @FieldResolver(() => Boolean, { description: 'Whether its runs have acceleration unless they say otherwise.' })
  async acceleration(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    return (await this.spec(workflow, ctx)).acceleration ?? false;
  }

  @FieldResolver(() => WorkflowResourcesType, {
    nullable: true,
    description: 'Default cpu and memory requests and limits of its stages; null: none.',
  })
  async resources(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext): Promise<WorkflowResourcesType | null> {
    return (await this.spec(workflow, ctx)).resources ?? null;
  }

  @FieldResolver(() => [WorkflowStageType], { description: 'The stages of the current version.' })
  async stages(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext): Promise<WorkflowStageType[]> {
    return (await this.spec(workflow, ctx)).stages.map(toStageView);
  }

  @FieldResolver(() => [WorkflowVersionType], { description: 'Every version, newest first.' })
  versions(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflowVersionsByWorkflowId.load(workflow.id);
  }

  @FieldResolver(() => [WorkflowRunType], { description: `The newest runs first; first is at most ${MAX_RUNS_LIST}.` })
  runs(
    @Root() workflow: WorkflowType,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Ctx() ctx: GraphQLContext,
  ) {
    if (!Number.isInteger(first) || first < 0 || first > MAX_RUNS_LIST) {
      throw badInput('first', `must be between 0 and ${MAX_RUNS_LIST}`);
    }
    return ctx.loaders.latestRunsByWorkflow.load({ workflowId: workflow.id, first });
  }

  @FieldResolver(() => WorkflowRunType, { nullable: true, description: 'The newest run, if any.' })
  async latestRun(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.latestRunsByWorkflow.load({ workflowId: workflow.id, first: 1 }))[0];
  }

  @FieldResolver(() => WorkflowRunConnection, { description: 'Runs, newest first, with cursors and a phase filter.' })
  runsConnection(
    @Root() workflow: WorkflowType,
    @Args(() => PageArgs) { first, after }: PageArgs,
    @Arg('filter', () => WorkflowRunFilter, { nullable: true }) filter: WorkflowRunFilter | undefined,
    @Ctx() ctx: GraphQLContext,
  ) {
    return ctx.services.workflowsPresenter.runsConnection(workflow.id, {
      first,
      after: after ?? undefined,
      phases: filter?.phases ?? undefined,
    });
  }

  @FieldResolver(() => [WorkflowTriggerType])
  async triggers(@Root() workflow: WorkflowType, @Ctx() ctx: GraphQLContext) {
    return (await ctx.loaders.workflowTriggersByWorkflowId.load(workflow.id)).map(toTriggerView);
  }

  /** The current version's spec. */
  private spec(workflow: WorkflowType, ctx: GraphQLContext) {
    return loadSpec(ctx, workflow.id, workflow.currentVersion);
  }
}

@Resolver(() => WorkflowVersionType)
export class WorkflowVersionResolver {
  @FieldResolver(() => UserType, { nullable: true, description: 'Who saved this version, if still a user.' })
  creator(@Root() version: WorkflowVersionType, @Ctx() ctx: GraphQLContext) {
    return version.createdById ? ctx.loaders.userById.load(version.createdById) : undefined;
  }

  @FieldResolver(() => [WorkflowStageType], {
    description: 'The stages of this version, as it was saved (compare two versions on the canvas).',
  })
  async stages(@Root() version: WorkflowVersionType, @Ctx() ctx: GraphQLContext): Promise<WorkflowStageType[]> {
    return (await loadSpec(ctx, version.workflowId, version.version)).stages.map(toStageView);
  }
}

@Resolver(() => WorkflowRunType)
export class WorkflowRunFieldsResolver {
  @FieldResolver(() => WorkflowType)
  workflow(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.workflowById.load(run.workflowId);
  }
}

/** The spec one version of a workflow saved; a version always has one. */
async function loadSpec(ctx: GraphQLContext, workflowId: string, version: number) {
  const spec = await ctx.loaders.workflowSpecByVersion.load(`${workflowId}:${version}`);
  if (!spec) throw new Error(`workflow ${workflowId} has no version ${version}`);
  return spec;
}
