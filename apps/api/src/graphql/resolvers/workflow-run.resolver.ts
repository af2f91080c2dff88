import { isTerminalRunPhase } from '@cyclone/domain/core';
import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { badInput } from '../../errors/app-error.js';
import { storedRunVolumes } from '../../modules/runs/stored-run-volumes.js';
import type { GraphQLContext } from '../context.js';
import { SignedIn, type SignedInContext, subscribeSignedIn } from '../signed-in.js';
import { RunVolumeObject, toRunVolume, toRunVolumeObject } from '../types/run-volume.type.js';
import { StageInput } from '../types/workflow.type.js';
import {
  FollowedLogArgs,
  LogLineType,
  RunApprovalRequestType,
  RunWaitType,
  RunWorkflowInput,
  StageRunType,
  WorkflowRunType,
} from '../types/workflow-run.type.js';
import { primeRunEvent } from './run-event.js';

@Resolver(() => WorkflowRunType)
export class WorkflowRunResolver {
  @Authorized()
  @Query(() => WorkflowRunType, {
    nullable: true,
    description: 'A run by id. NOT_FOUND when it does not exist or belongs to a tenant you are not a member of.',
  })
  workflowRun(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext) {
    return ctx.services.runsPresenter.getRun(ctx.user, id);
  }

  @Authorized()
  @Query(() => [LogLineType], {
    description: 'Stored log lines of one stage after afterSeq (0: from the start), oldest first, up to 5000.',
  })
  workflowRunLogs(
    @Arg('id', () => ID) id: string,
    @Arg('stage', () => String) stage: string,
    @Arg('afterSeq', () => Int, { nullable: true }) afterSeq: number | null | undefined,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.runsPresenter.logs(ctx.user, id, stage, afterSeq ?? undefined);
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description: "Starts a run of the workflow's current version (DEVELOPER and up).",
  })
  runWorkflow(@Arg('input', () => RunWorkflowInput) input: RunWorkflowInput, @SignedIn() ctx: SignedInContext) {
    return ctx.services.runs.runWorkflow(ctx.user, {
      ...input,
      volumes: input.volumes?.map(toRunVolume),
    });
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description:
      'A new run of the same version, parameters and timeout. Stages that succeeded in this run and are neither fromStage nor downstream of it (all succeeded ones without fromStage) are reused with their outputs, not run again. With overrides the run is healed in place: those stages (by name) run as given, with everything downstream, from a new version (the current one with saveAsNewVersion, else one kept beside it). CONFLICT while the run is active.',
  })
  retryWorkflowRun(
    @Arg('id', () => ID) id: string,
    @Arg('fromStage', () => String, { nullable: true }) fromStage: string | null | undefined,
    @Arg('overrides', () => [StageInput], {
      nullable: true,
      description: 'Stages to run changed (command, image, env, …), each replacing the stage of its name.',
    })
    overrides: StageInput[] | null | undefined,
    @Arg('saveAsNewVersion', () => Boolean, {
      nullable: true,
      description: "Make the overridden workflow the workflow's new current version (default: keep it for this retry).",
    })
    saveAsNewVersion: boolean | null | undefined,
    @SignedIn() ctx: SignedInContext,
  ) {
    return ctx.services.runs.retryWorkflowRun(ctx.user, id, fromStage, { overrides, saveAsNewVersion });
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description:
      'Kills running stages at once and cancels the run, after its finally stages have run; a second stop kills those too.',
  })
  stopWorkflowRun(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext) {
    return ctx.services.runs.stopWorkflowRun(ctx.user, id);
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, { description: 'Starts no new stage until resumed; the run shows WAITING.' })
  pauseWorkflowRun(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext) {
    return ctx.services.runs.pauseWorkflowRun(ctx.user, id);
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, { description: 'Continues a paused run.' })
  resumeWorkflowRun(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext) {
    return ctx.services.runs.resumeWorkflowRun(ctx.user, id);
  }

  @Authorized()
  @Mutation(() => WorkflowRunType, {
    description:
      "Approves a run that waits for a member's approval (approvalRequest: a fork's pull request, an author who is not a member): it is queued and runs with the tenant's secrets. DEVELOPER and up; CONFLICT when the run needs no approval or has ended.",
  })
  approveWorkflowRun(@Arg('id', () => ID) id: string, @SignedIn() ctx: SignedInContext) {
    return ctx.services.runs.approveWorkflowRun(ctx.user, id);
  }

  @Authorized()
  @Subscription(() => WorkflowRunType, {
    name: 'workflowRunUpdated',
    description: 'The run now and on every phase change of the run or a stage; completes when the run ends.',
    subscribe: subscribeSignedIn<{ id: string }>((ctx, { id }) => ctx.services.runStreams.followRun(ctx.user, id)),
  })
  workflowRunUpdated(
    @Root() run: WorkflowRunType,
    @Arg('id', () => ID) _id: string,
    @Ctx() ctx: GraphQLContext,
  ): WorkflowRunType {
    return primeRunEvent(ctx, run);
  }

  @Authorized()
  @Subscription(() => LogLineType, {
    name: 'workflowRunLogs',
    description:
      'Stored lines after afterSeq (of one stage, or of all), then live ones: no gaps, no duplicates; completes when the run ends.',
    subscribe: subscribeSignedIn<FollowedLogArgs>((ctx, args) =>
      ctx.services.runStreams.followLogs(ctx.user, ...followedLog(args)),
    ),
  })
  workflowRunLogsStream(@Root() line: LogLineType, @Args(() => FollowedLogArgs) _args: FollowedLogArgs): LogLineType {
    return line;
  }

  @Authorized()
  @Subscription(() => [LogLineType], {
    name: 'workflowRunLogBatches',
    description:
      'workflowRunLogs in batches, as the web and the CLI follow a log: each event holds the lines of one stage stored since the last event (up to 100), in order, with no gaps and no duplicates, so a fast log costs one message per batch instead of one per line; completes when the run ends.',
    subscribe: subscribeSignedIn<FollowedLogArgs>((ctx, args) =>
      ctx.services.runStreams.followLogBatches(ctx.user, ...followedLog(args)),
    ),
  })
  workflowRunLogBatchesStream(
    @Root() lines: LogLineType[],
    @Args(() => FollowedLogArgs) _args: FollowedLogArgs,
  ): LogLineType[] {
    return lines;
  }

  @FieldResolver(() => RunApprovalRequestType, {
    nullable: true,
    description:
      "Set when the run had to wait for a tenant member's approval before anything started (approveWorkflowRun); null when it needed none.",
  })
  async approvalRequest(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    if (!run.approvalReason) return null;
    const approvedBy = run.approvedById ? await ctx.loaders.userById.load(run.approvedById) : null;
    return {
      reason: run.approvalReason,
      isApproved: run.approvedAt != null,
      approvedAt: run.approvedAt ?? null,
      approvedBy: approvedBy ?? null,
    };
  }

  @FieldResolver(() => RunWaitType, {
    nullable: true,
    description:
      'Why the run waits and until about when: queued under a limit (with its place), for approval, paused, or a retry backoff; null when it waits for nothing.',
  })
  wait(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return ctx.services.runsPresenter.wait(run.id);
  }

  @FieldResolver(() => Boolean, {
    description:
      'A stop was requested and the run has not ended yet: its finally stages run; a second stopWorkflowRun kills them.',
  })
  isStopping(@Root() run: WorkflowRunType): boolean {
    return run.stopRequestedAt != null && !isTerminalRunPhase(run.phase);
  }

  @FieldResolver(() => Boolean, { description: 'Paused: no new stage starts until resumed.' })
  isPaused(@Root() run: WorkflowRunType): boolean {
    return run.pausedAt != null;
  }

  @FieldResolver(() => WorkflowRunType, {
    nullable: true,
    description: 'The run this one retries (retryWorkflowRun); null when it is not a retry or that run was deleted.',
  })
  retryOf(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return run.retryOfId ? ctx.loaders.runById.load(run.retryOfId) : null;
  }

  @FieldResolver(() => [String], {
    description: 'Stages this retry ran with overrides (retryWorkflowRun overrides): healed in place. Empty otherwise.',
  })
  async overriddenStages(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    if (run.overriddenStages) return run.overriddenStages;
    return (await ctx.loaders.runById.load(run.id))?.overriddenStages ?? [];
  }

  @FieldResolver(() => [String], {
    description: "The stages the run started from (Cyclone's startStages); empty: the whole workflow.",
  })
  async startStages(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    if (run.startStages) return run.startStages;
    return (await ctx.loaders.runById.load(run.id))?.startStages ?? [];
  }

  @FieldResolver(() => Boolean, {
    description:
      "Acceleration (the original's workflowrun.cyclone.dev/acceleration label): its stages keep their build tool folders (/root/.m2, .gradle, .npm, .cache, .ivy2) between runs of the project.",
  })
  async acceleration(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    if (run.acceleration !== undefined) return run.acceleration;
    return (await ctx.loaders.runById.load(run.id))?.acceleration ?? false;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The service account its stage pods run as (the original's spec.serviceAccount; granted by a platform admin); null: Cyclone's own.",
  })
  async serviceAccount(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<string | null> {
    if (run.serviceAccount !== undefined) return run.serviceAccount;
    return (await ctx.loaders.runById.load(run.id))?.serviceAccount ?? null;
  }

  @FieldResolver(() => [RunVolumeObject], {
    description: "Claims, Secrets and ConfigMaps its stage pods mount (the original's spec.volumes).",
  })
  async volumes(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<RunVolumeObject[]> {
    const stored = run.volumes !== undefined ? run.volumes : (await ctx.loaders.runById.load(run.id))?.volumes;
    return storedRunVolumes(stored).map(toRunVolumeObject);
  }

  @FieldResolver(() => [String], {
    description: "The stages the run ended at (Cyclone's endStages); empty: the whole workflow.",
  })
  async endStages(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext): Promise<string[]> {
    if (run.endStages) return run.endStages;
    return (await ctx.loaders.runById.load(run.id))?.endStages ?? [];
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "While the run is queued by the concurrency limits: its place in its tenant's queue, 1 = next (message says why it waits). Null otherwise.",
  })
  queuePosition(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.queuePositionByRunId.load(run.id);
  }

  @FieldResolver(() => [StageRunType], { description: 'Every stage of the run, in workflow order.' })
  stages(@Root() run: WorkflowRunType, @Ctx() ctx: GraphQLContext) {
    return ctx.loaders.stageRunsByRunId.load(run.id);
  }
}

/** The run, stage and afterSeq a log subscription follows, afterSeq checked. */
function followedLog({
  id,
  stage,
  afterSeq,
}: FollowedLogArgs): [id: string, stage: string | undefined, afterSeq: number | undefined] {
  if (afterSeq != null && (!Number.isInteger(afterSeq) || afterSeq < 0)) {
    throw badInput('afterSeq', 'must be a whole number, 0 or more');
  }
  return [id, stage ?? undefined, afterSeq ?? undefined];
}
