import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { LogStream, RunPhase, StagePhase } from '../../generated/prisma/enums.js';
import { connectionType } from '../relay.js';
import { MatrixValueType } from './matrix.type.js';
import { NameValueInput } from './name-value.type.js';
import { RunVolumeInput } from './run-volume.type.js';
import { WorkflowScopeInput } from './scope.type.js';
import { StageRunApprovalType } from './stage-approval.type.js';
import { UserType } from './user.type.js';

registerEnumType(RunPhase, {
  name: 'RunPhase',
  description: 'PENDING RUNNING WAITING (paused or queued) SUCCEEDED FAILED CANCELLED.',
});

registerEnumType(StagePhase, {
  name: 'StagePhase',
  description:
    'PENDING RUNNING WAITING (an approval stage waits for decisions, a delegated stage for its callback) SUCCEEDED FAILED CANCELLED, and SKIPPED when an upstream stage did not succeed, its condition (`when`) was false or every upstream stage was skipped.',
});

registerEnumType(LogStream, { name: 'LogStream', description: 'STDOUT or STDERR.' });

@ObjectType('StageOutput', {
  simpleResolvers: true,
  description: 'A `key:value` line the stage wrote to $CYCLONE_RESULTS.',
})
export class StageOutputType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType('StageRun', { simpleResolvers: true, description: 'One stage of a run: its current or last attempt.' })
export class StageRunType {
  @Field(() => String)
  name!: string;

  @Field(() => StagePhase)
  phase!: StagePhase;

  @Field(() => Int, { description: 'The current or last attempt, from 1; 0 before the first start.' })
  attempt!: number;

  @Field(() => Int, { nullable: true })
  exitCode!: number | null;

  @Field(() => String, {
    description: 'Why it is so: the reason it was skipped or cancelled, a kill, a condition error, an exit message.',
  })
  message!: string;

  @Field(() => [StageOutputType])
  outputs!: StageOutputType[];

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => StageRunApprovalType, { nullable: true, description: 'Set for an approval stage.' })
  approval!: StageRunApprovalType | null;

  /** Resolved by `childRun`. */
  childRunId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Set for one combination of a matrix stage (its name is "<matrixOf>.<i>"): the matrix stage.',
  })
  matrixOf!: string | null;

  @Field(() => [MatrixValueType], { description: "A matrix combination's values; empty for other stages." })
  matrix!: MatrixValueType[];
}

@ObjectType('LogLine', { simpleResolvers: true, description: 'One line a stage printed.' })
export class LogLineType {
  @Field(() => Int, { description: 'From 1 per run and stage, without gaps.' })
  seq!: number;

  @Field(() => String)
  stage!: string;

  @Field(() => LogStream)
  stream!: LogStream;

  @Field(() => String)
  line!: string;

  @Field(() => Date)
  timestamp!: Date;
}

/** The arguments of both log subscriptions: the run, one stage (or all), the last line already had. */
@ArgsType()
export class FollowedLogArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  stage?: string | null;

  @Field(() => Int, { nullable: true })
  afterSeq?: number | null;
}

@InputType()
export class RunWorkflowInput extends WorkflowScopeInput {
  @Field(() => [NameValueInput], { nullable: true, description: 'Run parameters, stored with the run.' })
  parameters?: NameValueInput[] | null;

  @Field(() => String, { nullable: true, description: 'Limit of the whole run, e.g. 30m or 1h30m.' })
  timeout?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Worker cluster for this run's stage pods: a KUBERNETES integration of the tenant. Default: the workflow's, else the control cluster.",
  })
  executionCluster?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "Run only these stages and what is downstream of them (Cyclone's WorkflowRun startStages); the others are SKIPPED.",
  })
  startStages?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "Run only these stages and what is upstream of them (Cyclone's endStages); with startStages, the stages between.",
  })
  endStages?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Acceleration: the stages keep their build tool folders between runs of the project (the original's workflowrun.cyclone.dev/acceleration label). Default: the workflow's.",
  })
  acceleration?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The service account the run's stage pods run as (the original's WorkflowRun spec.serviceAccount): one of the tenant namespace that a platform admin granted to stages (label cyclone.dev/stage-service-account: \"true\"), else the stage fails saying so. Kubernetes executor only. Default: Cyclone's own, with no API token.",
  })
  serviceAccount?: string | null;

  @Field(() => [RunVolumeInput], {
    nullable: true,
    description:
      "Claims, Secrets and ConfigMaps of the tenant namespace its stage pods mount (the original's WorkflowRun spec.volumes; Kubernetes executor only). Cyclone's own claims and Secrets are refused when a pod is made.",
  })
  volumes?: RunVolumeInput[] | null;
}

@ObjectType('RunApprovalRequest', {
  simpleResolvers: true,
  description:
    "Why a run waited for a tenant member's approval before anything started, and who approved it. Until approved it is WAITING, no stage starts and no secret is opened.",
})
export class RunApprovalRequestType {
  @Field(() => String, { description: 'e.g. "pull request #7 by mallory comes from the fork mallory/app".' })
  reason!: string;

  @Field(() => Boolean)
  isApproved!: boolean;

  @Field(() => Date, { nullable: true })
  approvedAt!: Date | null;

  @Field(() => UserType, { nullable: true, description: 'Who approved it, if still a user.' })
  approvedBy!: UserType | null;
}

@ObjectType('WorkflowRun', { simpleResolvers: true, description: 'One execution of a workflow version.' })
export class WorkflowRunType {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Sequence number of the run within its workflow, from 1.' })
  number!: number;

  @Field(() => RunPhase)
  phase!: RunPhase;

  @Field(() => String)
  message!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Limit of the whole run in seconds, if any.' })
  timeoutSeconds!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Worker cluster its stage pods run in (a KUBERNETES integration); null: the control cluster.',
  })
  executionCluster?: string | null;

  /** Resolved by `isPaused`. */
  pausedAt?: Date | null;

  /** Resolved by `isStopping`. */
  stopRequestedAt?: Date | null;

  /** Resolved by `approvalRequest`. */
  approvalReason?: string | null;
  approvedAt?: Date | null;
  approvedById?: string | null;

  /** Resolved by `retryOf`. */
  retryOfId?: string | null;

  /** Resolved by `overriddenStages` (rows read by raw SQL may lack it). */
  overriddenStages?: string[];
  /** Resolved by `startStages` / `endStages` (rows read by raw SQL may lack them). */
  startStages?: string[];
  endStages?: string[];
  /** Resolved by `acceleration` (rows read by raw SQL may lack it). */
  acceleration?: boolean;
  /** Resolved by `serviceAccount` and `volumes` (rows read by raw SQL may lack them). */
  serviceAccount?: string | null;
  volumes?: unknown;
  /** Resolved by `parent` (rows read by raw SQL may lack them). */
  parentRunId?: string | null;
  parentStage?: string | null;
  parentAttempt?: number | null;

  /** Resolved by `workflow`. */
  workflowId!: string;
}

export enum RunWaitReason {
  TENANT_LIMIT = 'TENANT_LIMIT',
  WORKFLOW_LIMIT = 'WORKFLOW_LIMIT',
  GLOBAL_LIMIT = 'GLOBAL_LIMIT',
  APPROVAL = 'APPROVAL',
  DELEGATION = 'DELEGATION',
  PAUSED = 'PAUSED',
  RETRY_BACKOFF = 'RETRY_BACKOFF',
}

registerEnumType(RunWaitReason, {
  name: 'RunWaitReason',
  description:
    "What a run waits for: a concurrency limit of its tenant, its workflow or the installation (queued), a member's approval, an external system a delegated stage handed its work to, a pause, or a stage's retry backoff.",
});

@ObjectType('RunWait', {
  simpleResolvers: true,
  description: 'Why a run waits, its place in line and about when it starts.',
})
export class RunWaitType {
  @Field(() => RunWaitReason)
  reason!: RunWaitReason;

  @Field(() => Int, {
    nullable: true,
    description: 'Its place among the runs waiting under the same limit, from 1; null when it waits for a person.',
  })
  position!: number | null;

  @Field(() => Int, { nullable: true, description: 'The limit it waits under (the LIMIT reasons).' })
  limit!: number | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "About when it starts: for a limit, the runs ahead `limit` at a time, each taking the median of the workflow's recent runs; for a retry, when it is due. Null when unknown.",
  })
  estimatedStartAt!: Date | null;
}

export const WorkflowRunConnection = connectionType(WorkflowRunType, 'WorkflowRun');

@InputType()
export class WorkflowRunFilter {
  @Field(() => [RunPhase], { nullable: true, description: 'Only runs in one of these phases.' })
  phases?: RunPhase[];
}
