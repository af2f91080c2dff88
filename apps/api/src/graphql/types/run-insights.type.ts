import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { RunPhase } from '../../generated/prisma/enums.js';
import { ChildWorkflowType } from './child-workflow.type.js';
import { MatrixAxisType } from './matrix.type.js';
import { WorkflowStageApprovalType } from './stage-approval.type.js';
import { StageDelegationType } from './stage-delegation.type.js';

@ObjectType('RunGraphStage', {
  simpleResolvers: true,
  description: 'A stage of the workflow version a run executes: its place in the DAG.',
})
export class RunGraphStageType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  image!: string;

  @Field(() => [String])
  dependsOn!: string[];

  @Field(() => Boolean, { description: 'May fail without failing the run.' })
  trivial!: boolean;

  @Field(() => Boolean, { description: 'Runs after every other stage has ended, whatever the outcome.' })
  finally!: boolean;

  @Field(() => String, { nullable: true, description: 'Its CEL condition: false skips it.' })
  when?: string;

  @Field(() => WorkflowStageApprovalType, { nullable: true, description: 'Set for an approval stage.' })
  approval?: WorkflowStageApprovalType;

  @Field(() => ChildWorkflowType, { nullable: true, description: 'Set for a stage that runs another workflow.' })
  workflow?: ChildWorkflowType;

  @Field(() => StageDelegationType, { nullable: true, description: 'Set for a delegated stage.' })
  delegation?: StageDelegationType;

  @Field(() => [MatrixAxisType], { description: 'Its matrix axes; empty: none (or a matrixFrom).' })
  matrix!: MatrixAxisType[];

  @Field(() => String, { nullable: true, description: 'The upstream output whose JSON list it fans out over.' })
  matrixFrom?: string;

  @Field(() => Int, { nullable: true, description: 'How many combinations run at once (default: all).' })
  maxParallel?: number;
}

@InputType('TenantRunFilter')
export class TenantRunFilter {
  @Field(() => String, { nullable: true, description: 'Only runs of this project.' })
  project?: string | null;

  @Field(() => String, { nullable: true, description: 'Only runs of this workflow (needs project).' })
  workflow?: string | null;

  @Field(() => [RunPhase], { nullable: true, description: 'Only runs in one of these phases.' })
  phases?: RunPhase[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Only runs started by one of these triggers: MANUAL, CRON, SCM, WEBHOOK.',
  })
  triggers?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Only runs created at or after this time.' })
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only runs created before this time.' })
  createdBefore?: Date | null;
}

@ObjectType('RunDayStatistics', {
  simpleResolvers: true,
  description: 'Runs created on one day (in the asked UTC offset), by phase.',
})
export class RunDayStatisticsType {
  @Field(() => String, { description: 'YYYY-MM-DD' })
  date!: string;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  pending!: number;

  @Field(() => Int)
  running!: number;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  cancelled!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean duration in seconds of the runs of that day that succeeded; null when none did.',
  })
  averageDurationSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Longest duration in seconds of those runs.' })
  maxDurationSeconds!: number | null;
}

@ObjectType('RunStatistics', { simpleResolvers: true, description: "A tenant's overview figures." })
export class RunStatisticsType {
  @Field(() => Int)
  projects!: number;

  @Field(() => Int)
  workflows!: number;

  @Field(() => Int, { description: 'Runs created since midnight (in the asked UTC offset).' })
  runsToday!: number;

  @Field(() => Int, { description: 'Runs pending, running or waiting now.' })
  activeRuns!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'SUCCEEDED ÷ (SUCCEEDED + FAILED) over the runs created in the window, 0..1; cancelled runs are left out (a decision, not an outcome). Null when none finished.',
  })
  successRate!: number | null;

  @Field(() => [RunDayStatisticsType], {
    description: 'One entry per day of the window, oldest first, empty days included.',
  })
  days!: RunDayStatisticsType[];
}
