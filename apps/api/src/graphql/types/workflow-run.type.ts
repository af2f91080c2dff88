import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RunPhase } from '../../generated/prisma/enums.js';
import { connectionType } from '../relay.js';

registerEnumType(RunPhase, {
  name: 'RunPhase',
  description: 'PENDING RUNNING WAITING (paused or queued) SUCCEEDED FAILED CANCELLED.',
});

@ObjectType('WorkflowRun', { description: 'One execution of a workflow version.' })
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

  /** Resolved by `workflow`. */
  workflowId!: string;
}

export const WorkflowRunConnection = connectionType(WorkflowRunType, 'WorkflowRun');

@InputType()
export class WorkflowRunFilter {
  @Field(() => [RunPhase], { nullable: true, description: 'Only runs in one of these phases.' })
  phases?: RunPhase[];
}
