import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { NameValueType } from './name-value.type.js';

@ObjectType('ChildWorkflow', {
  simpleResolvers: true,
  description:
    "Makes the stage a run of another workflow of the project: it ends with that run's outcome, and the child's outputs become its own.",
})
@InputType('ChildWorkflowInput')
export class ChildWorkflowType {
  @Field(() => String, { description: 'A workflow of the same project.' })
  name!: string;

  @Field(() => [NameValueType], {
    nullable: true,
    description:
      "The child run's parameters, as runWorkflow takes them (variables.NAME overrides a variable); values may use references to this run's variables and upstream outputs.",
  })
  parameters?: NameValueType[];
}

@ObjectType('RunParent', { simpleResolvers: true, description: 'The child-workflow stage that started a run.' })
export class RunParentType {
  /** Resolved by `run`. */
  runId!: string;

  @Field(() => String)
  stage!: string;

  @Field(() => Int, { description: 'The attempt of that stage this run belongs to.' })
  attempt!: number;
}
